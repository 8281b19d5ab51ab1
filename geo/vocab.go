package geo

// Constituency is a member's group in the alliance. Each maps to an IATI
// OrganisationType code (https://iatistandard.org/en/iati-standard/203/codelists/organisationtype/).
type Constituency string

// The alliance's constituencies.
const (
	Multilateral          Constituency = "multilateral"
	NationalGovernment    Constituency = "national_government"
	LocalGovernmentAssoc  Constituency = "local_government_association"
	CivilSociety          Constituency = "civil_society"
	Foundation            Constituency = "foundation"
	PrivateSector         Constituency = "private_sector"
	Research              Constituency = "research"
	SlumDwellerFederation Constituency = "slum_dweller_federation"
)

// Constituencies lists every constituency in display order.
var Constituencies = []Constituency{
	Multilateral, NationalGovernment, LocalGovernmentAssoc, SlumDwellerFederation,
	CivilSociety, Foundation, PrivateSector, Research,
}

// ProgrammeType is the kind of alliance programme.
type ProgrammeType string

// The alliance's programme types.
const (
	CountryProgramme   ProgrammeType = "country_programme"
	JointWorkProgramme ProgrammeType = "joint_work_programme"
	CatalyticFund      ProgrammeType = "catalytic_fund"
	CommsAdvocacy      ProgrammeType = "communications_advocacy"
	InnovationLab      ProgrammeType = "innovation_lab"
	MemberInitiative   ProgrammeType = "member_initiative"
)

// ProgrammeTypes lists every programme type.
var ProgrammeTypes = []ProgrammeType{
	CountryProgramme, JointWorkProgramme, CatalyticFund, CommsAdvocacy, InnovationLab, MemberInitiative,
}

// Status is an activity's stage, following the IATI ActivityStatus codelist
// (1 pipeline .. 6 suspended).
type Status string

// Activity statuses.
const (
	StatusPipeline       Status = "pipeline"
	StatusImplementation Status = "implementation"
	StatusFinalisation   Status = "finalisation"
	StatusClosed         Status = "closed"
	StatusCancelled      Status = "cancelled"
	StatusSuspended      Status = "suspended"
)

// Statuses lists every status in IATI code order.
var Statuses = []Status{
	StatusPipeline, StatusImplementation, StatusFinalisation, StatusClosed, StatusCancelled, StatusSuspended,
}

// Visibility says who may see an activity.
type Visibility string

// Visibilities: public to everyone, members to signed-in members and the
// secretariat, draft to the owning organisation and the secretariat.
const (
	Public  Visibility = "public"
	Members Visibility = "members"
	Draft   Visibility = "draft"
)

// Visibilities lists every visibility, widest first.
var Visibilities = []Visibility{Public, Members, Draft}

// Role is an organisation's part in an activity (IATI OrganisationRole-like).
type Role string

// Organisation roles in an activity.
const (
	RoleLead         Role = "lead"
	RoleImplementing Role = "implementing"
	RoleFunding      Role = "funding"
	RolePartner      Role = "partner"
)

// Roles lists every organisation role.
var Roles = []Role{RoleLead, RoleImplementing, RoleFunding, RolePartner}

// LocationKind says what a location refers to.
type LocationKind string

// Location kinds. A KindCountry location refers to the country polygon and
// carries no geometry of its own.
const (
	KindPoint     LocationKind = "point"      // coordinates given directly
	KindPlace     LocationKind = "place"      // a GeoNames place
	KindAdminArea LocationKind = "admin_area" // an administrative area inside a country
	KindCountry   LocationKind = "country"    // a whole country
	KindShape     LocationKind = "shape"      // a drawn or imported shape
)

// LocationKinds lists every location kind.
var LocationKinds = []LocationKind{KindPoint, KindPlace, KindAdminArea, KindCountry, KindShape}

// Precision is how precisely a location is known, after IATI's and AidData's
// location precision codes.
type Precision string

// Location precisions, from most to least precise.
const (
	PrecisionExact       Precision = "exact"
	PrecisionApproximate Precision = "approximate"
	PrecisionCity        Precision = "city"
	PrecisionAdminArea   Precision = "admin_area"
	PrecisionCountry     Precision = "country"
)

// Precisions lists every precision, most precise first.
var Precisions = []Precision{PrecisionExact, PrecisionApproximate, PrecisionCity, PrecisionAdminArea, PrecisionCountry}

// Term is one entry of a vocabulary kept in the database.
type Term struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// Vocabularies are every code a write may use, for forms: those kept in
// the database (themes, currencies, constituencies, programme types) with
// their names, and the fixed ones.
type Vocabularies struct {
	Themes         []Term         `json:"themes"`
	Currencies     []Term         `json:"currencies"`
	Constituencies []Term         `json:"constituencies"`
	ProgrammeTypes []Term         `json:"programme_types"`
	Statuses       []Status       `json:"statuses"`
	Visibilities   []Visibility   `json:"visibilities"`
	Roles          []Role         `json:"roles"`
	LocationKinds  []LocationKind `json:"location_kinds"`
	Precisions     []Precision    `json:"precisions"`
}
