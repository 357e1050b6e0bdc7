package bench

import (
	"crypto/rand"
	"fmt"
	"os"
	"runtime"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/portalid/portalid/internal/config"
	"github.com/portalid/portalid/internal/secret"
)

// OWASPArgon2 are OWASP's equivalent minimum argon2id configurations
// (memory KiB, passes; one lane), from the Password Storage Cheat Sheet
// (https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html,
// read 2026-11-23): "a minimum configuration of 19 MiB of memory, an
// iteration count of 2, and 1 degree of parallelism", or one of these
// trading memory for passes.
var OWASPArgon2 = []struct {
	MemoryKiB, Time uint32
}{{47104, 1}, {19456, 2}, {12288, 3}, {9216, 4}, {7168, 5}}

// MeetsOWASP reports whether parameters reach one of OWASP's minimums.
func MeetsOWASP(a secret.Argon2) bool {
	for _, m := range OWASPArgon2 {
		if a.MemoryKiB >= m.MemoryKiB && a.Time >= m.Time && a.Threads >= 1 {
			return true
		}
	}
	return false
}

// Argon2 is the cost of one password hash at the configured parameters.
type Argon2 struct {
	Time      uint32  `json:"t"`
	MemoryKiB uint32  `json:"mKiB"`
	Threads   uint8   `json:"p"`
	Runs      int     `json:"runs"`
	MedianMs  float64 `json:"medianMs"`
	MaxMs     float64 `json:"maxMs"`
	// AllocMiB is what one hash allocates (argon2id's memory blocks).
	AllocMiB float64 `json:"allocMiBPerHash"`
	// LambdaMs is the median scaled to Lambda's CPU share at the
	// function's memory (a full vCPU at LambdaFullCPUMB).
	LambdaMs   float64 `json:"lambdaEstimateMs"`
	MeetsOWASP bool    `json:"meetsOwaspMinimum"`
	// FunctionMemoryMB is the functions' MemorySize in template.yaml; a
	// hash fits when it takes at most a quarter of it, the margin the
	// template tests hold it to (the collector may still hold the last
	// hash's blocks while the next is made).
	FunctionMemoryMB int  `json:"functionMemoryMB"`
	Fits             bool `json:"fitsFunctionMemory"`
}

// MeasureArgon2 hashes runs passwords at the configured parameters.
func MeasureArgon2(cfg config.Password, memoryMB, runs int) (Argon2, error) {
	a := secret.Argon2{Time: cfg.Argon2Time, MemoryKiB: cfg.Argon2MemKiB, Threads: cfg.Argon2Threads}
	r := Argon2{Time: a.Time, MemoryKiB: a.MemoryKiB, Threads: a.Threads, Runs: runs, MeetsOWASP: MeetsOWASP(a), FunctionMemoryMB: memoryMB}
	var times []time.Duration
	var alloc uint64
	for range runs {
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		t0 := time.Now()
		if _, err := a.Hash("Lantern-Orbit-47", rand.Reader); err != nil {
			return Argon2{}, err
		}
		times = append(times, time.Since(t0))
		runtime.ReadMemStats(&m1)
		alloc += m1.TotalAlloc - m0.TotalAlloc
	}
	r.MedianMs, r.MaxMs = ms(Percentile(times, 50)), ms(Percentile(times, 100))
	r.AllocMiB = float64(alloc) / float64(runs) / (1 << 20)
	r.LambdaMs = r.MedianMs * LambdaFullCPUMB / float64(memoryMB)
	r.Fits = 4*r.AllocMiB <= float64(memoryMB)
	return r, nil
}

// TemplateMemoryMB reads the functions' MemorySize from template.yaml's
// Globals, which every function inherits (the template tests hold each
// function's to at least four times a hash).
func TemplateMemoryMB(path string) (int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	var t struct {
		Globals struct {
			Function struct {
				MemorySize int `yaml:"MemorySize"`
			} `yaml:"Function"`
		} `yaml:"Globals"`
	}
	if err := yaml.Unmarshal(b, &t); err != nil {
		return 0, fmt.Errorf("read %s: %w", path, err)
	}
	if t.Globals.Function.MemorySize == 0 {
		return 0, fmt.Errorf("%s: no Globals.Function.MemorySize", path)
	}
	return t.Globals.Function.MemorySize, nil
}
