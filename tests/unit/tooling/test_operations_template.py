"""template.yaml's operations section (alarms and dashboard) is what tools/operations_template.py
generates from the template and the code, so a function, queue or metric added without running it
fails here, with the command to run."""

from __future__ import annotations

import copy

import pytest

from tests.helpers.paths import TEMPLATE_PATH
from tools import operations_template as tool


@pytest.fixture(scope="module")
def template() -> tool.Template:
    return tool.load(TEMPLATE_PATH)


def test_the_operations_section_of_template_yaml_is_what_the_tool_generates(template: tool.Template) -> None:
    text = TEMPLATE_PATH.read_text(encoding="utf-8")

    assert tool.rewritten(text, template) == text, "run: python -m tools.operations_template --write"


def test_a_function_added_to_the_template_gets_its_alarms_and_widgets(template: tool.Template) -> None:
    # Given a new queue consumer in the template
    grown = copy.deepcopy(template)
    grown["Resources"]["ReindexFunction"] = {
        "Type": "AWS::Serverless::Function",
        "Properties": {"Events": {"Work": {"Type": "SQS", "Properties": {}}}},
    }

    # When the section is generated
    section = tool.section(grown)

    # Then it has its errors and throttles alarms and its lines on the dashboard
    assert "  ReindexFunctionErrorsAlarm:\n" in section
    assert "  ReindexFunctionThrottlesAlarm:\n" in section
    assert section.count('"FunctionName","${ReindexFunction}"') >= 4
    assert '"function_name","${ReindexFunction}"' in section


def test_a_stale_section_is_refused_by_check_and_rewritten_by_write(
    tmp_path, template: tool.Template
) -> None:
    # Given a copy of the template whose section lost an alarm
    text = TEMPLATE_PATH.read_text(encoding="utf-8")
    before, section, after = tool.split(text)
    stale = before + section.replace("  HealthFunctionErrorsAlarm:", "  RenamedAlarm:", 1) + after
    copy_path = tmp_path / "template.yaml"
    copy_path.write_text(stale, encoding="utf-8")

    # When it is checked, then written, then checked again
    stale_code = tool.main(["--check", "--template", str(copy_path)])
    tool.main(["--write", "--template", str(copy_path)])
    fixed_code = tool.main(["--check", "--template", str(copy_path)])

    # Then the check fails until the section is rewritten, and nothing outside it changed
    assert (stale_code, fixed_code) == (1, 0)
    assert copy_path.read_text(encoding="utf-8") == text


def test_a_template_without_the_markers_is_refused_with_what_to_add(template: tool.Template) -> None:
    with pytest.raises(tool.SectionMissing, match="marker lines"):
        tool.rewritten("Resources: {}\n", template)


def test_metrics_are_read_with_their_dimensions_and_conditional_names() -> None:
    source = (
        'observability.count("QuestionsServed" if found else "QuestionsExhausted")\n'
        'self._observability.count("ErrorResponses", code=problem.code)\n'
        'observability.count_each("WebhookMessagesProcessed", kind=k, result=r)\n'
        'observability.count("MessagesAppended", 3)\n'
        'other.count("NotAMetric")\n'
        'text.count("!")\n'
    )

    found = sorted(tool._counts_in(source))

    assert found == [
        ("ErrorResponses", ("code",)),
        ("MessagesAppended", ()),
        ("QuestionsExhausted", ()),
        ("QuestionsServed", ()),
        ("WebhookMessagesProcessed", ("kind", "result")),
    ]


def test_a_business_widget_naming_a_metric_no_function_emits_is_an_error(
    monkeypatch: pytest.MonkeyPatch, template: tool.Template
) -> None:
    monkeypatch.setattr(tool, "BUSINESS_WIDGETS", (("Ghosts", ("GhostsSeen",)),))

    with pytest.raises(ValueError, match="GhostsSeen: named in BUSINESS_WIDGETS"):
        tool.section(template)


@pytest.mark.parametrize(
    ("path", "group"),
    [
        ("/v1/next-questions", "Next-best-question API"),
        ("/v1/sessions/{session_id}/conversion", "Next-best-question API"),
        ("/v1/sessions/{session_id}/next", "Zelinqa API V1"),
        ("/v1/configuration/publish", "Zelinqa API V1"),
        ("/api/v1/conversations/{id}", "Conversations API"),
        ("/api/v1/sdk/config", "Converra runs API"),
        ("/c/{deploymentKey}/{channelKey}", "Turn processing API"),
        ("/v2/something-new", tool.OTHER_ROUTES),
    ],
)
def test_functions_are_grouped_by_their_routes_longest_prefix(path: str, group: str) -> None:
    assert tool._group("XFunction", (f"GET {path}",), []) == group


def test_the_layout_draws_every_widget_inside_the_grid(template: tool.Template) -> None:
    found = tool.inventory(template)
    widgets = tool.dashboard(found, tool.alarms(found))

    text = tool.layout_text(widgets)
    page = tool.layout_html(widgets)

    assert all(w.x >= 0 and w.x + w.width <= tool.WIDTH for w in widgets)
    cells = {(w.x + dx, w.y + dy) for w in widgets for dx in range(w.width) for dy in range(w.height)}
    assert len(cells) == sum(w.width * w.height for w in widgets), "widgets overlap"
    assert all(w.title.split()[0] in text for w in widgets)
    assert page.count('class="w"') == len(widgets)
