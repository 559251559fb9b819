"""The stackgraph vocabulary as rdflib ``DefinedNamespace`` classes.

GENERATED from ontology/stackgraph.ttl by ``python -m stackgraph._codegen`` -- do not edit by hand.
Unknown terms raise ``AttributeError``, so typos fail loudly.
"""

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef

__all__ = ["SG", "SG_IRI", "ID_IRI", "SOURCE_IRI", "GRAPH_IRI", "ID", "SOURCE"]

SG_IRI = "https://w3id.org/stackgraph/ns#"
ID_IRI = "https://w3id.org/stackgraph/id/"
SOURCE_IRI = "https://w3id.org/stackgraph/source/"
GRAPH_IRI = "urn:stackgraph:graph:"

ID = Namespace(ID_IRI)
SOURCE = Namespace(SOURCE_IRI)


class SG(DefinedNamespace):
    """Terms of the stackgraph ontology (110 terms)."""

    _NS = Namespace(SG_IRI)
    _fail = True

    AIModels: URIRef  # AI models
    Accelerators: URIRef  # Accelerators
    Acquisition: URIRef  # Acquisition
    Active: URIRef  # active
    Announced: URIRef  # announced
    ChipFabrication: URIRef  # Chip fabrication
    Completed: URIRef  # completed
    Compute: URIRef  # Compute
    Connectivity: URIRef  # Connectivity
    ConsumerInternet: URIRef  # Consumer internet
    DataCenters: URIRef  # Data centres and cloud
    DatasetSource: URIRef  # Dataset
    Deal: URIRef  # Deal
    DealStatusScheme: URIRef  # Deal status
    DeveloperTooling: URIRef  # Developer tooling
    Development: URIRef  # Development
    Devices: URIRef  # Devices and hardware
    EditorialSource: URIRef  # Editorial background
    EnterpriseSoftware: URIRef  # Enterprise software
    Entity: URIRef  # Entity
    Evidence: URIRef  # Evidence
    Facility: URIRef  # Facility
    FinancialFigure: URIRef  # Financial figure
    FundingRound: URIRef  # Funding round
    Hypothetical: URIRef  # hypothetical
    InTalks: URIRef  # in talks
    Investment: URIRef  # Investment
    LaunchAndSpace: URIRef  # Launch and space
    MarketPosition: URIRef  # Market position
    MetricScheme: URIRef  # Financial metrics
    NetIncome: URIRef  # net income (negative for a loss)
    Organization: URIRef  # Organisation
    Ownership: URIRef  # Ownership or control stake
    Partnership: URIRef  # Partnership
    Pending: URIRef  # pending
    Person: URIRef  # Person
    PriceToSales: URIRef  # price-to-sales multiple
    Product: URIRef  # Product or service
    PublicOffering: URIRef  # Public offering
    Revenue: URIRef  # revenue
    RevenueGrowth: URIRef  # revenue growth (%)
    Rumoured: URIRef  # rumoured
    SatelliteBroadband: URIRef  # Satellite broadband
    ScenarioSource: URIRef  # Scenario
    Software: URIRef  # Software and applications
    Source: URIRef  # Source
    StackLayerScheme: URIRef  # AI technology stack layers
    Supply: URIRef  # Supply relationship
    TelecomServices: URIRef  # Telecom and network services
    Terminated: URIRef  # terminated
    TerrestrialRAN: URIRef  # Terrestrial RAN
    Valuation: URIRef  # valuation
    acquirer: URIRef  # acquirer
    acquires: URIRef  # acquires
    actor: URIRef  # acting party
    alias: URIRef  # alias
    amount: URIRef  # amount
    announcedDate: URIRef  # announced
    asOf: URIRef  # as of
    controls: URIRef  # controls
    counterparty: URIRef  # counterparty
    crunchbasePermalink: URIRef  # Crunchbase permalink
    currency: URIRef  # currency
    customer: URIRef  # customer
    description: URIRef  # description
    developer: URIRef  # developer
    develops: URIRef  # develops
    effectiveDate: URIRef  # effective
    endDate: URIRef  # ended
    externalId: URIRef  # external identifier
    extractionConfidence: URIRef  # extraction confidence
    feeds: URIRef  # feeds
    figureOf: URIRef  # figure of
    headquarters: URIRef  # headquarters country
    holder: URIRef  # holder
    inLayer: URIRef  # in layer
    inputLayer: URIRef  # input layer
    investee: URIRef  # investee
    investor: URIRef  # investor
    investsIn: URIRef  # invests in
    issuer: URIRef  # issuer
    lei: URIRef  # LEI
    market: URIRef  # market
    metric: URIRef  # metric
    operatesIn: URIRef  # operates in
    owned: URIRef  # owned entity
    owner: URIRef  # owner
    partner: URIRef  # partner
    partnersWith: URIRef  # partners with
    party: URIRef  # party
    possibleUpdateOf: URIRef  # possible update of
    product: URIRef  # product, service or facility
    purpose: URIRef  # purpose
    qualifier: URIRef  # qualifier
    quote: URIRef  # quoted sentence
    record: URIRef  # record
    sameAsLoaded: URIRef  # same as loaded deal
    sharePercent: URIRef  # market share (%)
    sharePrice: URIRef  # price per share
    stakePercent: URIRef  # stake (%)
    status: URIRef  # status
    statusCue: URIRef  # status cue
    supersedes: URIRef  # supersedes
    suppliedItem: URIRef  # supplied item
    supplier: URIRef  # supplier
    supplies: URIRef  # supplies
    target: URIRef  # target
    value: URIRef  # value
    wikidataId: URIRef  # Wikidata item
    year: URIRef  # year
