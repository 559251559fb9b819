"""Merger screens on tiny hand-computed graphs: a vertical merger with two downstream rivals and known shares
(HHI, the US presumptions, the EU safe harbour, foreclosure share, input dependence by count and by amount), the
modified HHI with one partial stake, missing shares said as such, and target screening's flags equal to the full
screen's."""

from __future__ import annotations

import networkx as nx
import pytest
from analysis_fixtures import deal, graph, org, snapshot
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from stackgraph.analysis.control import control_group
from stackgraph.analysis.mergers import MergerContext, markets_touched, merger_screen, mhhi, screen_flags

LAYERS = {
    "chips": {"label": "Chips", "broader": None, "feeds": ["models"]},
    "models": {"label": "Models", "broader": None, "feeds": []},
}


def positions(*rows: tuple[str, str, float]) -> list[dict]:
    return [
        {"holder": h, "market": m, "year": 2024, "share": s, "source": "test", "position": f"{h}-{m}"}
        for h, m, s in rows
    ]


def vertical() -> nx.MultiDiGraph:
    """Chipco (chips, 60 %) and Modelco (models, 30 %) merge. Downstream rivals R1 (50 %) and R2 (20 %) buy chips:
    R1 only from Chipco; R2 from Chipco (USD 30) and from Otherchip (chips, 40 %; USD 10)."""
    G = graph(
        LAYERS,
        market_positions=positions(
            ("Chipco", "chips", 60.0),
            ("Otherchip", "chips", 40.0),
            ("Modelco", "models", 30.0),
            ("R1", "models", 50.0),
            ("R2", "models", 20.0),
        ),
    )
    org(G, "Chipco", "chips")
    org(G, "Otherchip", "chips")
    for name in ("Modelco", "R1", "R2"):
        org(G, name, "models")
    deal(G, "Chipco", "R1", "supplies", input_layer="chips")
    deal(G, "Chipco", "R2", "supplies", input_layer="chips", amount=30.0, currency="USD")
    deal(G, "Otherchip", "R2", "supplies", input_layer="chips", amount=10.0, currency="USD")
    deal(G, "Chipco", "Modelco", "supplies", input_layer="chips")
    return G


def lines(screen, market: str) -> dict[tuple[str, str | None], object]:
    (found,) = [m for m in screen.markets if m.market == market]
    return {(line.test, line.subject): line for line in found.lines}


def test_a_vertical_merger_with_two_rivals() -> None:
    before = vertical()
    after = before.copy()
    deal(after, "Chipco", "Modelco", "acquires", status="hypothetical", scenario=True)
    snap = snapshot(before)
    focus = control_group(after, "Chipco").member_ids()
    screen = merger_screen(
        MergerContext(after), focus, "Chipco", before=MergerContext(before), parties=[{"Chipco"}, {"Modelco"}]
    )
    assert screen.parties == ("Chipco group", "Modelco group") and snapshot(before) == snap
    chips = lines(screen, "chips")
    assert chips[("hhi", None)].value == 60**2 + 40**2  # 5,200: no horizontal overlap, no change
    assert chips[("delta_hhi", None)].value == 0.0
    assert chips[("us_hhi_presumption", None)].result == "not met"
    assert chips[("eu_safe_harbour", None)].result == "outside"  # 60 % is not below 30 %
    foreclosure = chips[("foreclosure_share", "Chips")]
    assert foreclosure.value == 60.0
    assert "2 of 3 recorded supply ties of Chips into its downstream rivals come from it" in foreclosure.formula
    r1 = chips[("input_dependence", "R1")]
    assert (r1.value, r1.result) == (1.0, "single source") and "1 of 1 suppliers (Chipco)" in r1.formula
    r2 = chips[("input_dependence", "R2")]
    assert r2.value == pytest.approx(0.75) and "by amount: USD 30 of 40" in r2.formula
    assert {e.ref for e in r2.rests_on} == {"Chipco-supplies-R2", "Otherchip-supplies-R2"}
    models = lines(screen, "models")
    assert models[("hhi", None)].value == 30**2 + 50**2 + 20**2  # 3,800
    assert models[("eu_safe_harbour", None)].result == "outside"
    assert screen.flags() == {"us_presumption": [], "eu_outside": ["chips", "models"], "cannot_tell": []}
    assert any("Chips feeds Models between the parties" in why for m in screen.markets for why in m.why)


def test_a_horizontal_merger_triggers_both_us_presumptions() -> None:
    G = vertical()
    after = G.copy()
    deal(after, "Modelco", "R2", "acquires", status="hypothetical", scenario=True)
    focus = control_group(after, "Modelco").member_ids()
    screen = merger_screen(
        MergerContext(after), focus, "Modelco", before=MergerContext(G), parties=[{"Modelco"}, {"R2"}]
    )
    models = lines(screen, "models")
    # 30 + 20 = 50 %: HHI 50² + 50² = 5,000, ΔHHI = 2 x 30 x 20 = 1,200
    assert (models[("hhi", None)].value, models[("delta_hhi", None)].value) == (5000.0, 1200.0)
    assert models[("us_hhi_presumption", None)].result == "met"
    assert models[("us_share_presumption", None)].result == "met"
    assert "merged share 50 % > 30 % and ΔHHI +1,200 > 100" in models[("us_share_presumption", None)].formula
    assert screen.flags()["us_presumption"] == ["models"]


def test_mhhi_with_one_partial_stake_is_hand_computed() -> None:
    """A (30 %) takes 20 % of B (20 %); C holds 50 %. With control following ownership:
    MHHI = HHI + s_A s_B 0.2 / 1 + s_B s_A 0.2 / (0.2² + 0.8²) = 3,800 + 120 + 176.47 = 4,096.47."""
    assert mhhi({"A": 30, "B": 20, "C": 50}, {"B": {"A": 0.2, "B": 0.8}}) == pytest.approx(4096.470588)
    before = graph(LAYERS, market_positions=positions(("A", "chips", 30.0), ("B", "chips", 20.0), ("C", "chips", 50.0)))
    for name in "ABC":
        org(before, name, "chips")
    after = before.copy()
    deal(after, "A", "B", "controls", key="stake", stake=20.0, scenario=True)
    screen = merger_screen(MergerContext(after), {"A"}, "A", before=MergerContext(before))
    line = lines(screen, "chips")[("mhhi", None)]
    assert (line.before, line.value) == (pytest.approx(3800.0), pytest.approx(4096.470588))
    assert "ΔMHHI = MHHI after − MHHI before = 4,096 − 3,800 = +296" in line.formula
    assert "control assumed to follow ownership" in line.formula
    assert lines(screen, "chips")[("delta_hhi", None)].value == 0.0  # a minority stake: no merger in the HHI


def test_missing_shares_are_said_not_taken_as_zero() -> None:
    G = graph(LAYERS, market_positions=positions(("R1", "models", 60.0)))
    org(G, "Modelco", "models")
    org(G, "R1", "models")
    org(G, "Chipco", "chips")
    screen = merger_screen(MergerContext(G), {"Modelco", "Chipco"}, "Modelco", parties=[{"Modelco"}, {"Chipco"}])
    models = lines(screen, "models")
    assert models[("share", "Modelco group -")].result == "cannot tell"
    assert "Modelco group's share of Models (Modelco in it)" in models[("delta_hhi", None)].missing
    assert models[("us_share_presumption", None)].result == "cannot tell"
    chips = lines(screen, "chips")
    assert chips[("shares", None)].result == "cannot tell"
    assert chips[("shares", None)].missing == ("market shares of Chips",)
    assert chips[("foreclosure_share", "Chips")].result == "cannot tell"
    assert "no recorded supplier of Chips for R1" in chips[("input_dependence", "1 rivals")].formula


def test_the_group_s_own_supplier_comes_with_its_other_ties() -> None:
    G = vertical()
    deal(G, "Otherchip", "Modelco", "supplies", input_layer="chips")
    deal(G, "Otherchip", "Modelco", "invests_in", amount=1e9, currency="USD")
    screen = merger_screen(MergerContext(G), {"Modelco"}, "Modelco")
    line = lines(screen, "chips")[("group_dependence", "Otherchip")]
    assert line.value == 0.5 and "1 of 2 outside suppliers" in line.formula
    assert "Otherchip's share of Chips: 40 %" in line.formula
    assert "Otherchip invests in Modelco (USD 1 billion)" in line.formula
    assert {e.kind for e in line.rests_on} == {"supply", "market position", "invests_in"}


def test_evidence_names_its_kind_or_says_it_is_not_recorded() -> None:
    G = vertical()
    G.graph["market_positions"][0]["basis"] = ("editorial",)
    screen = merger_screen(MergerContext(G), {"Chipco"}, "Chipco")
    evidence = {e.ref: e for line in lines(screen, "chips").values() for e in line.rests_on}
    assert evidence["Chipco-chips"].describe() == "Chipco 60 % of Chips, 2024 (editorial)"
    assert evidence["Otherchip-chips"].describe().endswith("(evidence kind not recorded)")


@st.composite
def markets(draw):
    n = draw(st.integers(3, 6))
    G = graph(LAYERS)
    names = [f"o{i}" for i in range(n)]
    for name in names:
        org(G, name, draw(st.sampled_from(["chips", "models"])))
    rows = []
    for name in names:
        if draw(st.booleans()):
            rows.append((name, draw(st.sampled_from(["chips", "models"])), float(draw(st.integers(1, 30)))))
    G.graph["market_positions"] = positions(*rows)
    for _ in range(draw(st.integers(0, 5))):
        u, v = draw(st.sampled_from(names)), draw(st.sampled_from(names))
        if u != v:
            relation = draw(st.sampled_from(["supplies", "acquires", "controls"]))
            deal(G, u, v, relation, key=f"d{len(G.edges)}", input_layer="chips", stake=float(draw(st.integers(10, 90))))
    return G


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markets(), st.data())
def test_screening_flags_equal_the_full_screen(G, data) -> None:
    ctx = MergerContext(G)
    heads = sorted({ctx.groups[n] for n in G})
    if len(heads) < 2:
        return
    a, b = data.draw(st.sampled_from(heads)), data.draw(st.sampled_from(heads))
    if a == b:
        return
    acquirer = control_group(G, a).member_ids()
    target = control_group(G, b).member_ids() - acquirer
    if not target:
        return
    flags = screen_flags(ctx, acquirer, target, acquirer_markets=markets_touched(ctx, acquirer))
    full = merger_screen(ctx, acquirer | target, a, parties=[acquirer, target])
    assert flags == {key: sorted(values) for key, values in full.flags(horizontal=True).items()}
    event("screened a pair")


def test_many_rivals_are_summed_up_beyond_the_first_ones(monkeypatch) -> None:
    import stackgraph.analysis.vertical as module

    monkeypatch.setattr(module, "SHOWN", 1)
    G = vertical()
    org(G, "R3", "models")
    org(G, "R4", "models")
    deal(G, "Chipco", "R3", "supplies", input_layer="chips")
    screen = merger_screen(MergerContext(G), {"Chipco", "Modelco"}, "Chipco")
    chips = lines(screen, "chips")
    assert chips[("input_dependence", "R1")].value == 1.0  # the most dependent first (R1 and R3: 1; by label)
    rest = chips[("input_dependence", "2 more rivals")]
    assert rest.value == pytest.approx((1.0 + 0.75) / 2)
    assert "2 more downstream rivals with a recorded supplier of Chips (R3, R2)" in rest.formula  # by dependence
    assert "1 single-sourced from it" in rest.formula
    silent = chips[("input_dependence", "1 rivals")]
    assert silent.formula == "no recorded supplier of Chips for R4" and silent.result == "cannot tell"
