"""The learning simulation: the engine finds the questions that lead to purchases."""

from parley.nbq.simulation import Scenario, learned_first_questions, simulate


def test_after_a_few_thousand_sessions_the_good_questions_are_asked_first_within_their_tier() -> None:
    scenario = Scenario()

    firsts = learned_first_questions(scenario, sessions=3000)

    assert sum(share for question, share in firsts.items() if question in scenario.good) > 0.95


def test_learning_converts_far_better_than_random_and_close_to_the_best_fixed_order() -> None:
    parley, random_order, best_fixed = simulate(Scenario(), sessions=3000, window=500)

    late = sum(parley.conversions_per_window[-3:]) / 3
    best = sum(best_fixed.conversions_per_window[-3:]) / 3
    assert parley.overall > random_order.overall * 2
    assert late > best * 0.9
    assert parley.conversions_per_window[-1] > parley.conversions_per_window[0]
