package bench

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
)

// MinCognitoRatio is the target: at least this many times cheaper than
// Amazon Cognito for the same users.
const MinCognitoRatio = 20

// MAU is the number of monthly active users the cost model prices.
const MAU = 1_000_000

// Assumptions of the model, printed with it.
const (
	// LambdaFullCPUMB is the memory at which Lambda gives a function one
	// full vCPU; below it, CPU is proportional to memory.
	LambdaFullCPUMB = 1769
	// TaskBilledMs is the billed duration assumed per task invocation of
	// a workflow (a task does one or two DynamoDB calls and hands over).
	TaskBilledMs = 100
	// WorkflowWRUPerCall prices each DynamoDB call of a workflow's tasks
	// as two write units (a transactional write of a small item).
	WorkflowWRUPerCall = 2
)

//go:embed prices.json
var pricesJSON []byte

// Price is one published price.
type Price struct {
	ID        string  `json:"id"`
	Service   string  `json:"service"`
	Item      string  `json:"item"`
	USD       float64 `json:"usd"`
	Unit      string  `json:"unit"`
	Free      float64 `json:"free,omitempty"`
	Tiers     []Tier  `json:"tiers,omitempty"`
	Published string  `json:"published"`
	Source    string  `json:"source"`
	Read      string  `json:"read"`
}

// Tier is a band of a tiered price: up to UpTo units (0: no bound).
type Tier struct {
	UpTo float64 `json:"upTo"`
	USD  float64 `json:"usd"`
}

// Prices are the list prices of prices.json.
type Prices struct {
	Region string  `json:"region"`
	List   []Price `json:"prices"`
}

// LoadPrices reads prices.json.
func LoadPrices() (Prices, error) {
	var p Prices
	if err := json.Unmarshal(pricesJSON, &p); err != nil {
		return Prices{}, fmt.Errorf("read prices.json: %w", err)
	}
	for _, x := range p.List {
		if x.Source == "" || x.Read == "" {
			return Prices{}, fmt.Errorf("prices.json: %s has no source or date", x.ID)
		}
	}
	return p, nil
}

// Get returns the price id.
func (p Prices) Get(id string) (Price, bool) {
	i := slices.IndexFunc(p.List, func(x Price) bool { return x.ID == id })
	if i < 0 {
		return Price{}, false
	}
	return p.List[i], true
}

// Price is the unit price of id; an unknown id is a bug of the model and
// panics (a test prices every id the model uses).
func (p Prices) Price(id string) float64 {
	x, ok := p.Get(id)
	if !ok {
		panic("bench: no price " + id + " in prices.json")
	}
	return x.USD
}

// Monthly is what n units a month cost at price id, after its free units
// and through its tiers.
func (p Prices) Monthly(id string, n float64) float64 {
	x, ok := p.Get(id)
	if !ok {
		panic("bench: no price " + id + " in prices.json")
	}
	if len(x.Tiers) == 0 {
		return max(n-x.Free, 0) * x.USD
	}
	total, from := 0.0, x.Free
	for _, t := range x.Tiers {
		to := n
		if t.UpTo > 0 {
			to = min(n, t.UpTo)
		}
		if to > from {
			total += (to - from) * t.USD
			from = to
		}
	}
	return total
}

// Use is one line of the usage profile: how many times a month each
// monthly active user makes a request of a route, or runs a workflow
// path (with Tasks task invocations).
type Use struct {
	What     string  `json:"what"`
	Route    string  `json:"route,omitempty"`
	Workflow string  `json:"workflow,omitempty"`
	Path     string  `json:"path,omitempty"`
	Tasks    int     `json:"tasks,omitempty"`
	PerMAU   float64 `json:"perMau"`
}

// Profile is the stated usage of a monthly active user of a state-services
// portal: a few sign-ins a month, each a short session; a small share
// registering, recovering, checking their documents or ordering a letter.
var Profile = []Use{
	{What: "registration: start (4 % of monthly users are new)", Route: "POST /v1/registrations", PerMAU: 0.04},
	{What: "registration: resend (one in four)", Route: "POST /v1/registrations/{id}/resend", PerMAU: 0.01},
	{What: "registration: code check", Route: "POST /v1/registrations/{id}/confirm", PerMAU: 0.04},
	{What: "registration: password", Route: "POST /v1/registrations/{id}/password", PerMAU: 0.04},
	{What: "login (4 sessions a month)", Route: "POST /v1/sessions", PerMAU: 4},
	{What: "refresh (2 per session of ~30 min, 15-min access tokens)", Route: "POST /v1/sessions/refresh", PerMAU: 8},
	{What: "account page (once per session)", Route: "GET /v1/me", PerMAU: 4},
	{What: "security events", Route: "GET /v1/me/events", PerMAU: 0.2},
	{What: "sign-out (half the sessions)", Route: "DELETE /v1/sessions/current", PerMAU: 2},
	{What: "recovery: start", Route: "POST /v1/recovery", PerMAU: 0.02},
	{What: "recovery: code check", Route: "POST /v1/recovery/{id}/confirm", PerMAU: 0.02},
	{What: "recovery: new password", Route: "POST /v1/recovery/{id}/password", PerMAU: 0.02},
	{What: "settings: password change", Route: "PUT /v1/me/password", PerMAU: 0.01},
	{What: "settings: contact change", Route: "PUT /v1/me/contacts/{kind}", PerMAU: 0.01},
	{What: "settings: contact code check", Route: "POST /v1/me/contacts/{kind}/confirm", PerMAU: 0.01},
	{What: "profile: read", Route: "GET /v1/me/profile", PerMAU: 0.05},
	{What: "profile: save draft", Route: "PATCH /v1/me/profile", PerMAU: 0.05},
	{What: "identity check: submit (2 % a month)", Route: "POST /v1/me/identity-checks", PerMAU: 0.02},
	{What: "identity check: progress reads (5 per check)", Route: "GET /v1/me/identity-checks/{id}", PerMAU: 0.1},
	{What: "identity check: workflow (3 tasks)", Workflow: "identity-check", Path: "passed", Tasks: 3, PerMAU: 0.02},
	{What: "letter: order (0.5 % a month)", Route: "POST /v1/me/letters", PerMAU: 0.005},
	{What: "letter: status reads (3 per letter)", Route: "GET /v1/me/letters/{id}", PerMAU: 0.015},
	{What: "letter: code entered", Route: "POST /v1/me/letters/{id}/code", PerMAU: 0.005},
	{What: "letter: workflow (0.5 % a month)", Workflow: "postal-letter", Path: "delivered", Tasks: 4, PerMAU: 0.005},
}

// CostLine is what one line of the profile costs a month for MAU users.
type CostLine struct {
	Use
	PerMonth  float64            `json:"perMonth"`
	USD       float64            `json:"usd"`
	ByService map[string]float64 `json:"byService"`
}

// Cost is the monthly bill for MAU users of Profile, next to Cognito's.
type Cost struct {
	MAU         int                `json:"mau"`
	MemoryMB    int                `json:"lambdaMemoryMB"`
	Lines       []CostLine         `json:"lines"`
	ByService   map[string]float64 `json:"byService"`
	Total       float64            `json:"totalUSD"`
	Essentials  float64            `json:"cognitoEssentialsUSD"`
	Lite        float64            `json:"cognitoLiteUSD"`
	Ratio       float64            `json:"ratioToEssentials"`
	RatioLite   float64            `json:"ratioToLite"`
	Unpriced    []string           `json:"unpriced,omitempty"`
	Assumptions []string           `json:"assumptions"`
}

// Services, in the order the report lists them.
var Services = []string{"Lambda", "API Gateway", "DynamoDB", "Step Functions", "KMS"}

// Model prices the profile from the measured routes and workflow paths,
// for functions of memoryMB.
func Model(prices Prices, routes []Route, paths []Path, memoryMB int) Cost {
	c := Cost{MAU: MAU, MemoryMB: memoryMB, ByService: map[string]float64{}, Assumptions: []string{
		fmt.Sprintf("Lambda duration = local p50 × %d/%d (the CPU share of %d MB; a full vCPU at %d MB), arm64 price, %d MB", LambdaFullCPUMB, memoryMB, memoryMB, LambdaFullCPUMB, memoryMB),
		"DynamoDB request units as DynamoDB Local reports them for each request (ReturnConsumedCapacity)",
		"KMS: one asymmetric Sign per access token issued (the signing key never leaves KMS); data keys are cached per container, so their KMS calls are left out",
		fmt.Sprintf("workflow tasks: %d ms billed each; their DynamoDB calls (counted by the workflow benchmark) at %d write units each", TaskBilledMs, WorkflowWRUPerCall),
		"free tiers are left out except Cognito's; SMS and e-mail are left out (the same for both)",
	}}
	byRoute := map[string]Route{}
	for _, r := range routes {
		byRoute[r.Route] = r
	}
	byPath := map[string]Path{}
	for _, p := range paths {
		byPath[p.Workflow+"/"+p.Path] = p
	}
	gbs := func(billedMs float64) float64 { return billedMs / 1000 * float64(memoryMB) / 1024 }
	lambda := func(billedMs float64) float64 {
		return prices.Price("lambda-request") + gbs(billedMs)*prices.Price("lambda-gb-second-arm64")
	}
	for _, u := range Profile {
		l := CostLine{Use: u, PerMonth: u.PerMAU * MAU, ByService: map[string]float64{}}
		switch {
		case u.Route != "":
			r, ok := byRoute[u.Route]
			if !ok {
				c.Unpriced = append(c.Unpriced, u.What+" ("+u.Route+" not measured)")
				continue
			}
			l.ByService["Lambda"] = lambda(r.P50Ms*LambdaFullCPUMB/float64(memoryMB)) * l.PerMonth
			l.ByService["API Gateway"] = prices.Price("http-api-request") * l.PerMonth
			l.ByService["DynamoDB"] = (r.RRU*prices.Price("dynamodb-read-request-unit") + r.WRU*prices.Price("dynamodb-write-request-unit")) * l.PerMonth
			l.ByService["KMS"] = r.KMSSigns * prices.Price("kms-asymmetric-request") * l.PerMonth
		default:
			p, ok := byPath[u.Workflow+"/"+u.Path]
			if !ok {
				c.Unpriced = append(c.Unpriced, u.What+" ("+u.Workflow+" "+u.Path+" not measured)")
				continue
			}
			l.ByService["Step Functions"] = p.Transitions * prices.Price("sfn-transition") * l.PerMonth
			l.ByService["Lambda"] = float64(u.Tasks) * lambda(TaskBilledMs) * l.PerMonth
			l.ByService["DynamoDB"] = p.DDBCalls * WorkflowWRUPerCall * prices.Price("dynamodb-write-request-unit") * l.PerMonth
		}
		for s, v := range l.ByService {
			l.USD += v
			c.ByService[s] += v
		}
		c.Total += l.USD
		c.Lines = append(c.Lines, l)
	}
	sort.SliceStable(c.Lines, func(i, j int) bool { return c.Lines[i].USD > c.Lines[j].USD })
	c.Essentials = prices.Monthly("cognito-essentials-mau", MAU)
	c.Lite = prices.Monthly("cognito-lite-mau", MAU)
	if c.Total > 0 {
		c.Ratio, c.RatioLite = c.Essentials/c.Total, c.Lite/c.Total
	}
	return c
}
