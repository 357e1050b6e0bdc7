package person

import (
	"strings"

	"github.com/portalid/portalid/internal/fault"
)

// ErrCitizenshipInvalid is the fault for a country code that
// ParseCitizenship refuses.
var ErrCitizenshipInvalid = fault.New(fault.Invalid, "citizenship-invalid")

// Citizenship is a person's citizenship as an ISO 3166-1 alpha-3 country
// code ("RUS"). It is personal data.
type Citizenship struct {
	redaction
	code string
}

// ParseCitizenship accepts a current ISO 3166-1 alpha-3 code in either case
// (outer white space is ignored) and returns it upper-cased.
//
// Only the 249 codes of the standard are known: ICAO's codes for stateless
// persons and refugees (XXA, XXB, XXC) and user-assigned ones such as XKX
// are refused.
func ParseCitizenship(s string) (Citizenship, error) {
	s = strings.TrimSpace(s)
	if len(s) != 3 {
		return Citizenship{}, invalid(ErrCitizenshipInvalid)
	}
	code := strings.ToUpper(s)
	if _, ok := countries[code]; !ok {
		return Citizenship{}, invalid(ErrCitizenshipInvalid)
	}
	return Citizenship{code: code}, nil
}

// Value returns the upper-case alpha-3 code.
func (c Citizenship) Value() string { return c.code }

// IsZero reports whether c holds no code.
func (c Citizenship) IsZero() bool { return c.code == "" }

// countries holds the 249 current ISO 3166-1 alpha-3 codes, as listed in
// iso_3166-1.json of Debian's iso-codes 4.15.0, which follows the ISO 3166
// Maintenance Agency. Codes withdrawn from the standard (ANT, SCG, YUG,
// SUN) are not current and are refused.
var countries = map[string]struct{}{
	"ABW": {}, "AFG": {}, "AGO": {}, "AIA": {}, "ALA": {}, "ALB": {}, "AND": {}, "ARE": {}, "ARG": {}, "ARM": {}, "ASM": {}, "ATA": {},
	"ATF": {}, "ATG": {}, "AUS": {}, "AUT": {}, "AZE": {}, "BDI": {}, "BEL": {}, "BEN": {}, "BES": {}, "BFA": {}, "BGD": {}, "BGR": {},
	"BHR": {}, "BHS": {}, "BIH": {}, "BLM": {}, "BLR": {}, "BLZ": {}, "BMU": {}, "BOL": {}, "BRA": {}, "BRB": {}, "BRN": {}, "BTN": {},
	"BVT": {}, "BWA": {}, "CAF": {}, "CAN": {}, "CCK": {}, "CHE": {}, "CHL": {}, "CHN": {}, "CIV": {}, "CMR": {}, "COD": {}, "COG": {},
	"COK": {}, "COL": {}, "COM": {}, "CPV": {}, "CRI": {}, "CUB": {}, "CUW": {}, "CXR": {}, "CYM": {}, "CYP": {}, "CZE": {}, "DEU": {},
	"DJI": {}, "DMA": {}, "DNK": {}, "DOM": {}, "DZA": {}, "ECU": {}, "EGY": {}, "ERI": {}, "ESH": {}, "ESP": {}, "EST": {}, "ETH": {},
	"FIN": {}, "FJI": {}, "FLK": {}, "FRA": {}, "FRO": {}, "FSM": {}, "GAB": {}, "GBR": {}, "GEO": {}, "GGY": {}, "GHA": {}, "GIB": {},
	"GIN": {}, "GLP": {}, "GMB": {}, "GNB": {}, "GNQ": {}, "GRC": {}, "GRD": {}, "GRL": {}, "GTM": {}, "GUF": {}, "GUM": {}, "GUY": {},
	"HKG": {}, "HMD": {}, "HND": {}, "HRV": {}, "HTI": {}, "HUN": {}, "IDN": {}, "IMN": {}, "IND": {}, "IOT": {}, "IRL": {}, "IRN": {},
	"IRQ": {}, "ISL": {}, "ISR": {}, "ITA": {}, "JAM": {}, "JEY": {}, "JOR": {}, "JPN": {}, "KAZ": {}, "KEN": {}, "KGZ": {}, "KHM": {},
	"KIR": {}, "KNA": {}, "KOR": {}, "KWT": {}, "LAO": {}, "LBN": {}, "LBR": {}, "LBY": {}, "LCA": {}, "LIE": {}, "LKA": {}, "LSO": {},
	"LTU": {}, "LUX": {}, "LVA": {}, "MAC": {}, "MAF": {}, "MAR": {}, "MCO": {}, "MDA": {}, "MDG": {}, "MDV": {}, "MEX": {}, "MHL": {},
	"MKD": {}, "MLI": {}, "MLT": {}, "MMR": {}, "MNE": {}, "MNG": {}, "MNP": {}, "MOZ": {}, "MRT": {}, "MSR": {}, "MTQ": {}, "MUS": {},
	"MWI": {}, "MYS": {}, "MYT": {}, "NAM": {}, "NCL": {}, "NER": {}, "NFK": {}, "NGA": {}, "NIC": {}, "NIU": {}, "NLD": {}, "NOR": {},
	"NPL": {}, "NRU": {}, "NZL": {}, "OMN": {}, "PAK": {}, "PAN": {}, "PCN": {}, "PER": {}, "PHL": {}, "PLW": {}, "PNG": {}, "POL": {},
	"PRI": {}, "PRK": {}, "PRT": {}, "PRY": {}, "PSE": {}, "PYF": {}, "QAT": {}, "REU": {}, "ROU": {}, "RUS": {}, "RWA": {}, "SAU": {},
	"SDN": {}, "SEN": {}, "SGP": {}, "SGS": {}, "SHN": {}, "SJM": {}, "SLB": {}, "SLE": {}, "SLV": {}, "SMR": {}, "SOM": {}, "SPM": {},
	"SRB": {}, "SSD": {}, "STP": {}, "SUR": {}, "SVK": {}, "SVN": {}, "SWE": {}, "SWZ": {}, "SXM": {}, "SYC": {}, "SYR": {}, "TCA": {},
	"TCD": {}, "TGO": {}, "THA": {}, "TJK": {}, "TKL": {}, "TKM": {}, "TLS": {}, "TON": {}, "TTO": {}, "TUN": {}, "TUR": {}, "TUV": {},
	"TWN": {}, "TZA": {}, "UGA": {}, "UKR": {}, "UMI": {}, "URY": {}, "USA": {}, "UZB": {}, "VAT": {}, "VCT": {}, "VEN": {}, "VGB": {},
	"VIR": {}, "VNM": {}, "VUT": {}, "WLF": {}, "WSM": {}, "YEM": {}, "ZAF": {}, "ZMB": {}, "ZWE": {},
}
