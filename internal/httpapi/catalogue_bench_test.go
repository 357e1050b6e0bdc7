package httpapi_test

import (
	"testing"
)

// BenchmarkCatalogueRoutes serves the public routes of the catalogue
// function through Handle, as Lambda calls it, and reports allocations per
// request (the JSON of every centre and service is encoded once, when the
// API is built; a list is the join of a page of them).
func BenchmarkCatalogueRoutes(b *testing.B) {
	api := catalogueAPI(b)
	cases := []struct {
		name, path string
		query      map[string]string
	}{
		{"centres-first-page", "/v1/service-centres", nil},
		{"centres-filtered", "/v1/service-centres", map[string]string{"city": "moskva,tver", "type": "mfc", "service": "identity-confirmation"}},
		{"centres-all", "/v1/service-centres", map[string]string{"limit": "100"}},
		{"services-first-page", "/v1/services", nil},
		{"services-search", "/v1/services", map[string]string{"q": "штрафы гибдд"}},
		{"services-filtered", "/v1/services", map[string]string{"level": "confirmed", "category": "taxes,family-and-children"}},
		{"service", "/v1/services/tax-personal-account", nil},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			req := get(b, c.path, c.query)
			b.ReportAllocs()
			for b.Loop() {
				res, err := api.Handle(b.Context(), req)
				if err != nil || res.StatusCode != 200 {
					b.Fatalf("%s = %d %v", c.path, res.StatusCode, err)
				}
			}
		})
	}
}
