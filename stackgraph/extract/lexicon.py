"""The words the extractor reads: deal triggers, status cues, hedges, negations, name and value vocabulary.

Everything the extractor knows about English lives here as data, so that a reviewer can read (and a user can
extend) the rules without reading the matching code. Phrases are lower-case and tokenised as spaCy's English
tokenizer does (``co-develop`` is three tokens); they are matched case-insensitively on whole tokens.

Status cues
-----------
:data:`STATUS_CUES` maps each cue phrase to a status key; :data:`STATUS_TERMS` maps each status key to its
concept in the ontology's deal-status scheme (``sg:Completed`` ...). That is the one table from wording to status.
How a cue wins over another (a termination over talks, talks over a hedge, a modal verb over a plan) is
:data:`STATUS_PRIORITY`; negation and denial (:data:`NEGATIONS`, :data:`DENIALS`) remove the deal altogether.

Examples
--------
>>> STATUS_CUES["reportedly"], STATUS_CUES["in talks"], STATUS_CUES["called off"]
('rumoured', 'in-talks', 'terminated')
>>> STATUS_TERMS["in-talks"]
'InTalks'
"""

from __future__ import annotations

from typing import NamedTuple

from stackgraph.vocabulary import terms
from stackgraph.vocabulary.names import local_name

__all__ = [
    "ALLOWED_BEFORE_OBJECT",
    "ANAPHORS",
    "COMMON_CAPITALISED",
    "CURRENCY_CODES",
    "CURRENCY_SYMBOLS",
    "CURRENCY_WORDS",
    "DEFAULT_STATUS",
    "DENIALS",
    "FACILITY_WORDS",
    "FOLD_WORDS",
    "INPUT_LAYER_WORDS",
    "KIND_TERMS",
    "MONTHS",
    "NEGATIONS",
    "NOT_NEGATED_AFTER",
    "ORG_WORDS",
    "PERSON_CUES",
    "PRODUCT_WORDS",
    "SCALES",
    "STATUS_CUES",
    "STATUS_PRIORITY",
    "STATUS_TERMS",
    "TRIGGERS",
    "UNIT_WORDS",
    "WEEKDAYS",
    "Trigger",
]

# The tables below are data, laid out to be read: the formatter leaves them as written.
# fmt: off

# ---------------------------------------------------------------------------------------------------------------
# Status: key -> ontology concept (sg:DealStatusScheme), and the cues that decide it
# ---------------------------------------------------------------------------------------------------------------

#: Status key -> local name of its concept in ``sg:DealStatusScheme``: the project's one table of statuses.
STATUS_TERMS: dict[str, str] = {status.key: local_name(status.iri) for status in terms.STATUSES}

#: Which cue wins when a sentence carries several: lower index wins. A termination ends whatever preceded it;
#: talks stay talks when hedged ("reportedly in discussions"); a modal verb or condition makes a plan
#: hypothetical; a hedge or anonymous attribution makes a plan or a past event a rumour; a closing condition makes
#: an agreement pending.
STATUS_PRIORITY: tuple[str, ...] = (
    "terminated",
    "in-talks",
    "pending",
    "hypothetical",
    "rumoured",
    "completed",
    "announced",
    "active",
)

_CUES: dict[str, tuple[str, ...]] = {
    "terminated": (
        "called off", "calls off", "call off", "abandoned", "abandons", "walked away", "walks away", "scrapped",
        "scraps", "blocked", "blocks", "terminated", "terminates", "ended", "ends", "cancelled", "canceled",
        "pulled out", "pulls out", "withdrew", "withdraws", "broken down", "broke down", "collapsed", "rejected",
        "rejects", "stopped", "stops", "no longer", "discontinued", "dissolved", "dissolves", "postponed",
        "divested", "exited", "sold its stake", "sold its remaining", "unwound", "fell apart", "fell through",
    ),
    "in-talks": (
        "in talks", "in advanced talks", "in early talks", "in exclusive talks", "in early-stage talks",
        "in discussions", "in advanced discussions", "in early discussions", "in early-stage discussions",
        "in exclusive discussions", "in negotiations", "in advanced negotiations", "negotiating", "negotiates",
        "held talks", "holding talks", "discussing", "in late-stage talks",
    ),
    "pending": (
        "pending", "subject to", "awaiting", "awaits", "requires approval", "still requires", "expected to close",
        "regulatory approval", "antitrust clearance", "shareholder approval", "approval from", "approval by",
        "a ruling from", "needs approval", "under review",
    ),
    "hypothetical": (
        "could", "would", "might", "may", "if", "possible target", "potential target", "attractive target",
        "natural acquisition target", "acquisition target", "hypothetical", "would make",
    ),
    "rumoured": (
        "reportedly", "is said to", "are said to", "said to be", "rumoured", "rumored", "people familiar",
        "sources said", "according to people", "according to sources", "expected to", "considering", "weighing",
        "exploring", "reports that", "people briefed", "is believed to", "speculation",
    ),
    "completed": (
        "completed", "completes", "closed", "finalized", "finalised", "has completed", "was completed",
    ),
    "announced": (
        "announced", "announces", "agreed to", "has agreed", "have agreed", "agreed on", "agreed last",
        "will", "plans to", "plan to", "planned", "intends to", "set to", "filed for", "filed confidentially",
        "upcoming", "scheduled", "is preparing", "pursuing", "starting next",
        "agreed to be",
    ),
}

#: Cue phrase -> status key (see :data:`STATUS_PRIORITY` for how cues combine).
STATUS_CUES: dict[str, str] = {cue: status for status, cues in _CUES.items() for cue in cues}

#: Status of a trigger read without any cue, by the tense of its verb: a past transaction is completed, an ongoing
#: relationship (supply, partnership, ownership, development) in the present or formed in the past is active.
DEFAULT_STATUS: dict[str, dict[str, str]] = {
    "past": {"transaction": "completed", "relationship": "active"},
    "present": {"transaction": "announced", "relationship": "active"},
    "none": {"transaction": "announced", "relationship": "active"},
}

#: Negation before a trigger (in its clause, at most a few words before) removes the deal.
NEGATIONS: tuple[str, ...] = ("not", "n't", "never", "no intention", "no plans", "nobody", "neither", "nor")
#: A negation followed by one of these does not negate the deal ("not the only", "not just").
NOT_NEGATED_AFTER: tuple[str, ...] = ("only", "just", "merely", "simply", "yet", "the only", "longer")
#: Denial anywhere before the trigger in the sentence removes the deal ("denied reports that it was in talks").
DENIALS: tuple[str, ...] = (
    "denied", "denies", "deny", "ruled out", "rules out", "dismissed reports", "has no plans", "had no plans",
    "no plans", "no intention", "is unlikely", "was unlikely", "unlikely",
)

# ---------------------------------------------------------------------------------------------------------------
# Triggers: which words introduce which kind of deal, and how its parties are found (the frame)
# ---------------------------------------------------------------------------------------------------------------


class Trigger(NamedTuple):
    """A trigger phrase and how to read it.

    ``kind`` is a deal kind (``acquisition``, ``investment``, ``supply``, ``ownership``, ``partnership``,
    ``development``, ``public-offering``); ``frame`` names how the extractor finds the parties around the
    phrase (see :mod:`stackgraph.extract.rules`); ``tense`` is ``past``, ``present`` or ``none`` (a noun).
    """

    phrase: str
    kind: str
    frame: str
    tense: str


def _verbs(kind: str, frame: str, present: str, past: str, noun: str = "") -> list[Trigger]:
    out = [Trigger(w, kind, frame, "present") for w in present.split()]
    out += [Trigger(w, kind, frame, "past") for w in past.split()]
    out += [Trigger(w, kind, "noun", "none") for w in noun.split()]
    return out


def _phrases(kind: str, frame: str, tense: str, phrases: str) -> list[Trigger]:
    return [Trigger(p.strip(), kind, frame, tense) for p in phrases.split("|") if p.strip()]


#: Every trigger phrase. Multi-word phrases are written with spaces between spaCy tokens.
TRIGGERS: tuple[Trigger, ...] = tuple(
    _verbs("acquisition", "svo", "acquire acquires acquiring buy buys buying purchase purchases purchasing",
           "acquired bought purchased", "acquisition acquisitions takeover takeovers buyout purchase")
    + _phrases("acquisition", "svo", "present", "take over|takes over|taking over|snap up|snaps up|merge with|"
               "merges with|merging with")
    + _phrases("acquisition", "svo", "past", "took over|snapped up|merged with|paid")
    + _phrases("acquisition", "noun", "none", "merger|bid|offer|takeover offer|takeover bid")
    + _phrases("acquisition", "merge", "past", "completed their merger|merged")
    + _phrases("acquisition", "sell", "present", "sell|sells|selling|to sell")
    + _phrases("acquisition", "sell", "past", "sold")
    + _phrases("acquisition", "target_for", "none", "target for|acquisition target for")
    + _phrases("acquisition", "fold", "present", "bringing|bring|brings")
    + _verbs("investment", "invest", "invest invests investing", "invested", "investment investments")
    + _phrases("investment", "invest", "past", "poured|led a|co-led a")
    + _phrases("investment", "raise", "present", "raises|raise|raising|secures|secure|is expected to raise|"
               "to raise")
    + _phrases("investment", "raise", "past", "raised|secured|received")
    + _phrases("investment", "backed_by", "past", "backed by|is backed by|funded by|financed by")
    + _phrases("investment", "backer_of", "past", "backer of|investor in|early backer of|an investor in")
    + _phrases("investment", "noun", "none", "financing of|funding for")
    + _phrases("investment", "stake", "past", "took a|takes a|take a")
    + _verbs("supply", "supply", "supply supplies supplying provide provides providing deliver delivers "
             "delivering", "supplied provided delivered")
    + _phrases("supply", "buy_from", "present", "sources|source|gets|get|buys|buy|purchase|purchases|"
               "switch to|to buy|purchasing")
    + _phrases("supply", "buy_from", "past", "sourced|bought|purchased|got")
    + _phrases("supply", "customer_of", "none", "customer of|customers of|client of|buyer of")
    + _phrases("supply", "supplier_to", "none", "supplier to|supplier for|supplies to|vendor to")
    + _phrases("supply", "relies_on", "present", "relies on|rely on|depends on")
    + _phrases("supply", "contract_with", "none", "distribution contract with|supply contract with|"
               "supply agreement with|distribution agreement with")
    + _phrases("supply", "negotiating_with", "present", "negotiating with|in talks with")
    + _phrases("ownership", "svo", "present", "owns|own|controls|control")
    + _phrases("ownership", "svo", "past", "owned|controlled")
    + _phrases("ownership", "owned_by", "past", "owned by|majority-owned by|majority owned by|controlled by|"
               "wholly owned by|wholly-owned by|is owned by")
    + _phrases("ownership", "subsidiary_of", "none", "subsidiary of|unit of|division of|wholly owned unit of|"
               "wholly owned subsidiary of|arm of")
    + _phrases("ownership", "parent", "none", "parent company|parent")
    + _phrases("ownership", "stake", "present", "holds a|hold a|owns a|has a")
    + _phrases("ownership", "sold_shares", "past", "sold its|sold their|sold its remaining|divested its")
    + _phrases("partnership", "with", "present", "partner with|partners with|partnering with|collaborate with|"
               "collaborates with|collaborating with|works with|working with|team up with|teams up with|"
               "teaming up with|is working with|partnership with|alliance with|joint venture with|"
               "codeshare partnership with|will collaborate with|research partnership with")
    + _phrases("partnership", "with", "past", "partnered with|teamed up with|collaborated with|worked with|"
               "signed a partnership with|formed a partnership with")
    + _phrases("partnership", "together", "past", "formed a joint venture|signed a research partnership|"
               "announced a partnership|formed a partnership|signed a partnership|teamed up|partnered")
    + _phrases("partnership", "together", "present", "could team up|team up|partner|to partner")
    + _phrases("partnership", "between", "none", "partnership between|joint venture between|alliance between")
    + _phrases("partnership", "codevelop", "none", "to co-develop|to jointly develop|co-develop|jointly develop")
    + _verbs("development", "svo", "develops develop developing builds build building designs design designing "
             "makes make making operates operate operating constructing constructs launches launch releases",
             "developed built designed made launched released operated constructed")
    + _phrases("development", "svo", "past", "discontinued|shut down")
    + _phrases("development", "made_by", "past", "developed by|designed by|made by|built by|operated by|"
               "created by|run by")
    + _phrases("development", "behind", "none", "the company behind|company behind|the firm behind|"
               "the startup behind|the maker of|maker of|the developer of|developer of|the creator of")
    + _phrases("public-offering", "ipo", "none", "ipo|initial public offering|public offering|listing|"
               "trading debut|stock market debut|public listing|flotation")
    + _phrases("public-offering", "ipo", "present", "go public|goes public|going public|list its shares|"
               "list on|to list")
    + _phrases("public-offering", "ipo", "past", "went public|listed its shares|floated")
)

#: Kind of deal -> "transaction" (happens once: completed when past) or "relationship" (ongoing: active).
KIND_TERMS: dict[str, str] = {
    "acquisition": "transaction",
    "investment": "transaction",
    "public-offering": "transaction",
    "supply": "relationship",
    "ownership": "relationship",
    "partnership": "relationship",
    "development": "relationship",
}

#: Words that may stand between a verb and its object entity ("acquired the startup Pebble Forge").
ALLOWED_BEFORE_OBJECT: frozenset[str] = frozenset(
    "the a an its their his her own all of rival startup studio company firm group business maker "
    "chipmaker carmaker lender bank insurer retailer developer provider operator brand stake shares "
    "majority minority remaining control remainder ,".split()
)

#: "bringing X into the fold": the nouns that make "bring ... into" an acquisition.
FOLD_WORDS: frozenset[str] = frozenset({"fold", "ecosystem", "portfolio", "group", "empire", "family"})

#: Definite descriptions that refer back to the organisation the text is about.
ANAPHORS: tuple[str, ...] = (
    "the company", "the firm", "the group", "the startup", "the business", "the lender", "the chipmaker",
    "it", "its", "itself",
)

# ---------------------------------------------------------------------------------------------------------------
# Names: what a capitalised span is, and which kind of entity it names
# ---------------------------------------------------------------------------------------------------------------

#: Last words that mark an organisation's name.
ORG_WORDS: frozenset[str] = frozenset(
    """inc inc. corp corp. corporation co co. ltd ltd. llc plc ag se sa nv oyj pbc gmbh group holdings holding
    capital partners ventures fund funds bank bancorp networks network technologies technology systems labs lab
    software semiconductor semiconductors ai bio pharma therapeutics energy motors media foods games studios
    telecom communications wireless robotics analytics data cloud devices electronics industries industrial
    aerospace airlines air airways logistics solar power grid utilities mining metals steel chemicals payments pay
    health diagnostics insurance assurance genomics biotech security retail stores apparel shipping freight fuels
    paper batteries cells instruments optics microsystems compute silicon foundry fabrication finishes paints
    bakeries mortgages hospitals university schools learning satellites space launch propulsion aviation trucks
    automotive mobility interactive messaging identity fiber fibre entertainment""".split()
)

#: Nouns that say a name is a product or service.
PRODUCT_WORDS: frozenset[str] = frozenset(
    """app apps model models platform platforms service services chip chips processor processors gpu gpus
    system software suite assistant line constellation engine tool tools product products device phone
    operating""".split()
)

#: Nouns that say a name is a facility.
FACILITY_WORDS: frozenset[str] = frozenset(
    "facility plant factory fab fabs works gigaplant pipeline refinery mine campus site centre center".split()
)

#: Words before a name that say it is a person.
PERSON_CUES: frozenset[str] = frozenset(
    "investor founder executive chairman chairwoman billionaire mr mr. ms ms. mrs mrs. dr dr. entrepreneur".split()
)

#: Capitalised words that start or make up a span but are not names (sentence openers, titles, acronyms).
COMMON_CAPITALISED: frozenset[str] = frozenset(
    """the a an this that these those there here it its in on at by for from with as of and or but if when while
    after before since until during shares share analysts analyst investors investor regulators regulator users
    talks buying selling some most many several both each every all no not what why how who which where
    instead however meanwhile together rather such by comparison also according people sources market markets
    ipo ipos ai ceo cfo coo cto gpu gpus cpu cpus ran llm llms oled s-1 us u.s. uk eu un series round
    nasdaq nyse chief president mr ms dr january february march april may june july august september october
    november december monday tuesday wednesday thursday friday saturday sunday q1 q2 q3 q4 fy h1 h2 he she they
    we you i our their his her reuters bloomberg""".split()
)

# ---------------------------------------------------------------------------------------------------------------
# Values: money, dates, supplied inputs
# ---------------------------------------------------------------------------------------------------------------

#: Currency symbols -> ISO 4217 code.
CURRENCY_SYMBOLS: dict[str, str] = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR",
                                    "C$": "CAD", "A$": "AUD", "HK$": "HKD", "₩": "KRW", "CHF": "CHF"}
#: Currency codes written before or after a number.
CURRENCY_CODES: frozenset[str] = frozenset("USD EUR GBP JPY CHF CNY INR CAD AUD HKD KRW SEK NOK DKK SGD".split())
#: Currency words after a number -> ISO 4217 code.
CURRENCY_WORDS: dict[str, str] = {
    "dollars": "USD", "dollar": "USD", "euros": "EUR", "euro": "EUR", "pounds": "GBP", "sterling": "GBP",
    "yen": "JPY", "francs": "CHF", "yuan": "CNY", "renminbi": "CNY", "rupees": "INR", "won": "KRW",
}
#: Scale words and abbreviations -> multiplier exponent of ten.
SCALES: dict[str, int] = {
    "thousand": 3, "k": 3, "million": 6, "m": 6, "mn": 6, "mln": 6, "billion": 9, "bn": 9, "b": 9, "bln": 9,
    "trillion": 12, "tn": 12, "trn": 12, "t": 12,
}
#: Words after an amount that make it something other than the deal's money (a valuation, a price per share).
UNIT_WORDS: frozenset[str] = frozenset({"per share", "a share", "valuation", "in revenue", "in sales"})

MONTHS: dict[str, int] = {
    name: number
    for number, names in enumerate(
        (("january", "jan", "jan."), ("february", "feb", "feb."), ("march", "mar", "mar."), ("april", "apr", "apr."),
         ("may",), ("june", "jun", "jun."), ("july", "jul", "jul."), ("august", "aug", "aug."),
         ("september", "sep", "sept", "sep.", "sept."), ("october", "oct", "oct."), ("november", "nov", "nov."),
         ("december", "dec", "dec.")),
        start=1,
    )
    for name in names
}
WEEKDAYS: dict[str, int] = {
    day: number for number, day in enumerate("monday tuesday wednesday thursday friday saturday sunday".split())
}

#: Words of the supplied input -> local name of the stack layer (``sg:inputLayer``) it belongs to.
INPUT_LAYER_WORDS: dict[str, str] = {
    "gpu": "Accelerators", "gpus": "Accelerators", "graphics processing units": "Accelerators",
    "accelerators": "Accelerators", "ai chips": "Accelerators", "ai training hardware": "Accelerators",
    "wafers": "ChipFabrication", "foundry": "ChipFabrication", "chipmaking": "ChipFabrication",
    "cloud computing": "DataCenters", "data centre": "DataCenters", "data center": "DataCenters",
    "compute capacity": "DataCenters", "launch services": "LaunchAndSpace", "launches": "LaunchAndSpace",
    "satellite broadband": "SatelliteBroadband", "radio equipment": "TerrestrialRAN", "ran equipment": "TerrestrialRAN",
    "base stations": "TerrestrialRAN", "ai models": "AIModels", "language models": "AIModels",
}
# fmt: on
