"""The stackgraph vocabulary and the rules the ontology states on it, as plain Python data.

GENERATED from ontology/stackgraph.ttl by ``python -m stackgraph._codegen`` -- do not edit by hand: edit the
ontology and run the generator (tests/test_namespace_drift.py fails when this file is stale).

``SG`` holds every term of the ontology as a plain ``str`` IRI; an unknown term raises ``AttributeError``, so a
typo fails loudly. Code that needs rdflib terms wraps them (``URIRef(SG.Acquisition)``); this module imports
nothing. The tables restate the ontology's annotations (``sg:key``, ``sg:statusMeaning``, ``sg:countsByDefault``,
``sg:relationKey``, ``sg:directProperty``, ``sg:controlRule``, ``sg:evidenceKind``, ``sg:basisLabel`` and the role
properties' ``rdfs:domain``); :mod:`stackgraph.vocabulary.rules` applies them.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = [
    "CONTROL_RULES",
    "DEAL_CLASSES",
    "ENTITY_KINDS",
    "EVIDENCE_KINDS",
    "GRAPH_IRI",
    "ID_IRI",
    "SCENARIO_STATUS",
    "SG",
    "SG_IRI",
    "SOURCE_IRI",
    "STATUSES",
    "STATUS_MEANINGS",
    "DealClass",
    "EntityKind",
    "EvidenceKind",
    "Status",
]

SG_IRI = "https://w3id.org/stackgraph/ns#"
ID_IRI = "https://w3id.org/stackgraph/id/"
SOURCE_IRI = "https://w3id.org/stackgraph/source/"
GRAPH_IRI = "urn:stackgraph:graph:"


class SG:
    """Terms of the stackgraph ontology (128 terms), as plain IRI strings."""

    __slots__ = ()

    AIModels = "https://w3id.org/stackgraph/ns#AIModels"  # AI models
    Accelerators = "https://w3id.org/stackgraph/ns#Accelerators"  # Accelerators
    Acquisition = "https://w3id.org/stackgraph/ns#Acquisition"  # Acquisition
    Active = "https://w3id.org/stackgraph/ns#Active"  # active
    AlwaysControl = "https://w3id.org/stackgraph/ns#AlwaysControl"  # always
    Announced = "https://w3id.org/stackgraph/ns#Announced"  # announced
    ChipFabrication = "https://w3id.org/stackgraph/ns#ChipFabrication"  # Chip fabrication
    Completed = "https://w3id.org/stackgraph/ns#Completed"  # completed
    Compute = "https://w3id.org/stackgraph/ns#Compute"  # Compute
    Connectivity = "https://w3id.org/stackgraph/ns#Connectivity"  # Connectivity
    ConsumerInternet = "https://w3id.org/stackgraph/ns#ConsumerInternet"  # Consumer internet
    ControlRuleScheme = "https://w3id.org/stackgraph/ns#ControlRuleScheme"  # Control rules of deal classes
    DataCenters = "https://w3id.org/stackgraph/ns#DataCenters"  # Data centres and cloud
    DatasetSource = "https://w3id.org/stackgraph/ns#DatasetSource"  # Dataset
    Deal = "https://w3id.org/stackgraph/ns#Deal"  # Deal
    DealStatusScheme = "https://w3id.org/stackgraph/ns#DealStatusScheme"  # Deal status
    DeveloperTooling = "https://w3id.org/stackgraph/ns#DeveloperTooling"  # Developer tooling
    Development = "https://w3id.org/stackgraph/ns#Development"  # Development
    Devices = "https://w3id.org/stackgraph/ns#Devices"  # Devices and hardware
    EditorialSource = "https://w3id.org/stackgraph/ns#EditorialSource"  # Editorial background
    Ended = "https://w3id.org/stackgraph/ns#Ended"  # ended
    EnterpriseSoftware = "https://w3id.org/stackgraph/ns#EnterpriseSoftware"  # Enterprise software
    Entity = "https://w3id.org/stackgraph/ns#Entity"  # Entity
    Evidence = "https://w3id.org/stackgraph/ns#Evidence"  # Evidence
    Facility = "https://w3id.org/stackgraph/ns#Facility"  # Facility
    FinancialFigure = "https://w3id.org/stackgraph/ns#FinancialFigure"  # Financial figure
    FundingRound = "https://w3id.org/stackgraph/ns#FundingRound"  # Funding round
    Hypothetical = "https://w3id.org/stackgraph/ns#Hypothetical"  # hypothetical
    InEffect = "https://w3id.org/stackgraph/ns#InEffect"  # in effect
    InTalks = "https://w3id.org/stackgraph/ns#InTalks"  # in talks
    Investment = "https://w3id.org/stackgraph/ns#Investment"  # Investment
    LaunchAndSpace = "https://w3id.org/stackgraph/ns#LaunchAndSpace"  # Launch and space
    MajorityStakeControl = "https://w3id.org/stackgraph/ns#MajorityStakeControl"  # majority stake
    MarketPosition = "https://w3id.org/stackgraph/ns#MarketPosition"  # Market position
    MetricScheme = "https://w3id.org/stackgraph/ns#MetricScheme"  # Financial metrics
    NetIncome = "https://w3id.org/stackgraph/ns#NetIncome"  # net income (negative for a loss)
    NeverControl = "https://w3id.org/stackgraph/ns#NeverControl"  # never
    Organization = "https://w3id.org/stackgraph/ns#Organization"  # Organisation
    Ownership = "https://w3id.org/stackgraph/ns#Ownership"  # Ownership or control stake
    Partnership = "https://w3id.org/stackgraph/ns#Partnership"  # Partnership
    Pending = "https://w3id.org/stackgraph/ns#Pending"  # pending
    Person = "https://w3id.org/stackgraph/ns#Person"  # Person
    PriceToSales = "https://w3id.org/stackgraph/ns#PriceToSales"  # price-to-sales multiple
    Product = "https://w3id.org/stackgraph/ns#Product"  # Product or service
    PublicOffering = "https://w3id.org/stackgraph/ns#PublicOffering"  # Public offering
    Revenue = "https://w3id.org/stackgraph/ns#Revenue"  # revenue
    RevenueGrowth = "https://w3id.org/stackgraph/ns#RevenueGrowth"  # revenue growth (%)
    Rumoured = "https://w3id.org/stackgraph/ns#Rumoured"  # rumoured
    SatelliteBroadband = "https://w3id.org/stackgraph/ns#SatelliteBroadband"  # Satellite broadband
    ScenarioSource = "https://w3id.org/stackgraph/ns#ScenarioSource"  # Scenario
    Software = "https://w3id.org/stackgraph/ns#Software"  # Software and applications
    Source = "https://w3id.org/stackgraph/ns#Source"  # Source
    StackLayerScheme = "https://w3id.org/stackgraph/ns#StackLayerScheme"  # AI technology stack layers
    StatusMeaningScheme = "https://w3id.org/stackgraph/ns#StatusMeaningScheme"  # Meaning of a deal status
    Supply = "https://w3id.org/stackgraph/ns#Supply"  # Supply relationship
    TelecomServices = "https://w3id.org/stackgraph/ns#TelecomServices"  # Telecom and network services
    Terminated = "https://w3id.org/stackgraph/ns#Terminated"  # terminated
    TerrestrialRAN = "https://w3id.org/stackgraph/ns#TerrestrialRAN"  # Terrestrial RAN
    Uncertain = "https://w3id.org/stackgraph/ns#Uncertain"  # uncertain
    Valuation = "https://w3id.org/stackgraph/ns#Valuation"  # valuation
    acquirer = "https://w3id.org/stackgraph/ns#acquirer"  # acquirer
    acquires = "https://w3id.org/stackgraph/ns#acquires"  # acquires
    actor = "https://w3id.org/stackgraph/ns#actor"  # acting party
    alias = "https://w3id.org/stackgraph/ns#alias"  # alias
    amount = "https://w3id.org/stackgraph/ns#amount"  # amount
    announcedDate = "https://w3id.org/stackgraph/ns#announcedDate"  # announced
    asOf = "https://w3id.org/stackgraph/ns#asOf"  # as of
    basisLabel = "https://w3id.org/stackgraph/ns#basisLabel"  # basis label
    controlRule = "https://w3id.org/stackgraph/ns#controlRule"  # control rule
    controls = "https://w3id.org/stackgraph/ns#controls"  # controls
    counterparty = "https://w3id.org/stackgraph/ns#counterparty"  # counterparty
    countsByDefault = "https://w3id.org/stackgraph/ns#countsByDefault"  # counts by default
    crunchbasePermalink = "https://w3id.org/stackgraph/ns#crunchbasePermalink"  # Crunchbase permalink
    currency = "https://w3id.org/stackgraph/ns#currency"  # currency
    customer = "https://w3id.org/stackgraph/ns#customer"  # customer
    description = "https://w3id.org/stackgraph/ns#description"  # description
    developer = "https://w3id.org/stackgraph/ns#developer"  # developer
    develops = "https://w3id.org/stackgraph/ns#develops"  # develops
    directProperty = "https://w3id.org/stackgraph/ns#directProperty"  # direct property
    effectiveDate = "https://w3id.org/stackgraph/ns#effectiveDate"  # effective
    endDate = "https://w3id.org/stackgraph/ns#endDate"  # ended
    evidenceKind = "https://w3id.org/stackgraph/ns#evidenceKind"  # evidence kind
    externalId = "https://w3id.org/stackgraph/ns#externalId"  # external identifier
    extractionConfidence = "https://w3id.org/stackgraph/ns#extractionConfidence"  # extraction confidence
    feeds = "https://w3id.org/stackgraph/ns#feeds"  # feeds
    figureOf = "https://w3id.org/stackgraph/ns#figureOf"  # figure of
    headquarters = "https://w3id.org/stackgraph/ns#headquarters"  # headquarters country
    holder = "https://w3id.org/stackgraph/ns#holder"  # holder
    inLayer = "https://w3id.org/stackgraph/ns#inLayer"  # in layer
    inputLayer = "https://w3id.org/stackgraph/ns#inputLayer"  # input layer
    investee = "https://w3id.org/stackgraph/ns#investee"  # investee
    investor = "https://w3id.org/stackgraph/ns#investor"  # investor
    investsIn = "https://w3id.org/stackgraph/ns#investsIn"  # invests in
    issuer = "https://w3id.org/stackgraph/ns#issuer"  # issuer
    key = "https://w3id.org/stackgraph/ns#key"  # key
    lei = "https://w3id.org/stackgraph/ns#lei"  # LEI
    market = "https://w3id.org/stackgraph/ns#market"  # market
    metric = "https://w3id.org/stackgraph/ns#metric"  # metric
    operatesIn = "https://w3id.org/stackgraph/ns#operatesIn"  # operates in
    owned = "https://w3id.org/stackgraph/ns#owned"  # owned entity
    owner = "https://w3id.org/stackgraph/ns#owner"  # owner
    partner = "https://w3id.org/stackgraph/ns#partner"  # partner
    partnersWith = "https://w3id.org/stackgraph/ns#partnersWith"  # partners with
    party = "https://w3id.org/stackgraph/ns#party"  # party
    possibleUpdateOf = "https://w3id.org/stackgraph/ns#possibleUpdateOf"  # possible update of
    product = "https://w3id.org/stackgraph/ns#product"  # product, service or facility
    purpose = "https://w3id.org/stackgraph/ns#purpose"  # purpose
    qualifier = "https://w3id.org/stackgraph/ns#qualifier"  # qualifier
    quote = "https://w3id.org/stackgraph/ns#quote"  # quoted sentence
    record = "https://w3id.org/stackgraph/ns#record"  # record
    relationKey = "https://w3id.org/stackgraph/ns#relationKey"  # relation key
    sameAsLoaded = "https://w3id.org/stackgraph/ns#sameAsLoaded"  # same as loaded deal
    scenarioStatus = "https://w3id.org/stackgraph/ns#scenarioStatus"  # scenario status
    schemeOrder = "https://w3id.org/stackgraph/ns#schemeOrder"  # order in its scheme
    sharePercent = "https://w3id.org/stackgraph/ns#sharePercent"  # market share (%)
    sharePrice = "https://w3id.org/stackgraph/ns#sharePrice"  # price per share
    stakePercent = "https://w3id.org/stackgraph/ns#stakePercent"  # stake (%)
    status = "https://w3id.org/stackgraph/ns#status"  # status
    statusCue = "https://w3id.org/stackgraph/ns#statusCue"  # status cue
    statusMeaning = "https://w3id.org/stackgraph/ns#statusMeaning"  # status meaning
    supersedes = "https://w3id.org/stackgraph/ns#supersedes"  # supersedes
    suppliedItem = "https://w3id.org/stackgraph/ns#suppliedItem"  # supplied item
    supplier = "https://w3id.org/stackgraph/ns#supplier"  # supplier
    supplies = "https://w3id.org/stackgraph/ns#supplies"  # supplies
    target = "https://w3id.org/stackgraph/ns#target"  # target
    value = "https://w3id.org/stackgraph/ns#value"  # value
    wikidataId = "https://w3id.org/stackgraph/ns#wikidataId"  # Wikidata item
    year = "https://w3id.org/stackgraph/ns#year"  # year


class Status(NamedTuple):
    """A deal status (a concept of ``sg:DealStatusScheme``): its key, IRI, label, meaning and whether it counts by
    default."""

    key: str
    iri: str
    label: str
    meaning: str
    default: bool


class DealClass(NamedTuple):
    """A deal class: its key, IRI, label, the relation its deals draw (``None``: no edge), the role properties of
    its acting side, its counterparty side and its mutual side (partners), the direct property derived from it, its
    control rule (a key of :data:`CONTROL_RULES`) and the deal class it refines (``None`` below ``sg:Deal``)."""

    key: str
    iri: str
    label: str
    relation: str | None
    actor_roles: tuple[str, ...]
    counterparty_roles: tuple[str, ...]
    mutual_roles: tuple[str, ...]
    direct: str | None
    control: str
    parent: str | None


class EntityKind(NamedTuple):
    """An entity class: its kind key, IRI and label."""

    key: str
    iri: str
    label: str


class EvidenceKind(NamedTuple):
    """A kind of evidence: its key, the source class whose sources give it, and how results name it."""

    key: str
    iri: str
    label: str


#: What a status may mean (``sg:StatusMeaningScheme``).
STATUS_MEANINGS: tuple[str, ...] = ("in-effect", "uncertain", "ended")

#: The control rules of deal classes (``sg:ControlRuleScheme``).
CONTROL_RULES: tuple[str, ...] = ("always", "majority-stake", "never")

#: Deal statuses in the order of the status scheme.
STATUSES: tuple[Status, ...] = (
    Status("rumoured", SG.Rumoured, "rumoured", "uncertain", False),
    Status("in-talks", SG.InTalks, "in talks", "uncertain", False),
    Status("announced", SG.Announced, "announced", "uncertain", False),
    Status("pending", SG.Pending, "pending", "uncertain", False),
    Status("completed", SG.Completed, "completed", "in-effect", True),
    Status("active", SG.Active, "active", "in-effect", True),
    Status("terminated", SG.Terminated, "terminated", "ended", False),
    Status("hypothetical", SG.Hypothetical, "hypothetical", "uncertain", False),
)

#: The status of the deals a what-if scenario adds (``sg:scenarioStatus``).
SCENARIO_STATUS = "hypothetical"

#: Deal classes (subclasses of ``sg:Deal``) in their order.
DEAL_CLASSES: tuple[DealClass, ...] = (
    DealClass(
        "acquisition",
        SG.Acquisition,
        "Acquisition",
        "acquires",
        (SG.acquirer,),
        (SG.target,),
        (),
        SG.acquires,
        "majority-stake",
        None,
    ),
    DealClass(
        "ownership",
        SG.Ownership,
        "Ownership or control stake",
        "controls",
        (SG.owner,),
        (SG.owned,),
        (),
        None,
        "majority-stake",
        None,
    ),
    DealClass(
        "investment",
        SG.Investment,
        "Investment",
        "invests_in",
        (SG.investor,),
        (SG.investee,),
        (),
        SG.investsIn,
        "never",
        None,
    ),
    DealClass(
        "funding-round",
        SG.FundingRound,
        "Funding round",
        "invests_in",
        (SG.investor,),
        (SG.investee,),
        (),
        SG.investsIn,
        "never",
        SG.Investment,
    ),
    DealClass(
        "supply",
        SG.Supply,
        "Supply relationship",
        "supplies",
        (SG.supplier,),
        (SG.customer,),
        (),
        SG.supplies,
        "never",
        None,
    ),
    DealClass(
        "partnership",
        SG.Partnership,
        "Partnership",
        "partners_with",
        (),
        (),
        (SG.partner,),
        SG.partnersWith,
        "never",
        None,
    ),
    DealClass(
        "development",
        SG.Development,
        "Development",
        "develops",
        (SG.developer,),
        (SG.product,),
        (),
        SG.develops,
        "always",
        None,
    ),
    DealClass("public-offering", SG.PublicOffering, "Public offering", None, (SG.issuer,), (), (), None, "never", None),
)

#: Entity kinds (direct subclasses of ``sg:Entity``) in their order.
ENTITY_KINDS: tuple[EntityKind, ...] = (
    EntityKind("organization", SG.Organization, "Organisation"),
    EntityKind("person", SG.Person, "Person"),
    EntityKind("product", SG.Product, "Product or service"),
    EntityKind("facility", SG.Facility, "Facility"),
)

#: Evidence kinds by the source classes that give them, most specific class first.
EVIDENCE_KINDS: tuple[EvidenceKind, ...] = (
    EvidenceKind("dataset", SG.DatasetSource, "dataset record"),
    EvidenceKind("editorial", SG.EditorialSource, "editorial estimate"),
    EvidenceKind("scenario", SG.ScenarioSource, "what-if scenario"),
    EvidenceKind("quoted", SG.Source, "quoted source"),
)
