"""What tests share, one module per topic:

- ``paths``: where things are in the repository (``ROOT``, ``EVENTS``, ``TEMPLATE_PATH`` …);
- ``events``: the events in ``events/``, an SQS batch built from one, a fake Lambda context;
- ``http``: reading a handler's proxy response (``header``);
- ``gateway``: the local gateway runner (``RunningGateway``, ``spawn_gateway``, ``GatewayFactory``);
- ``template``: readers of template.yaml for the house rules, IAM and SnapStart tests;
- ``streams``: the stream relay over moto's streams, and draining the insights queue;
- ``fuzzing``: the schemathesis run (also ``python -m tests.helpers.fuzzing <url> <key>``);
- ``tenants``: a second tenant in a running gateway, made with the admin command;
- ``demo``: the demo tenant's catalog and deployment, parsed;
- ``run_log``: lines a test adds to the end-of-run summary.

With ``tests.fakes`` this is the only test code a test module imports: test modules never import
each other or a conftest (``tests/unit/tooling/test_tests_layout.py`` checks it), and conftest
files hold fixtures and hooks only.
"""
