package main

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// A run of the sla scenario measures every generated ticket and reports
// what it found; the parent reads these fields.
func TestSLAChild(t *testing.T) {
	var b strings.Builder
	if err := slaChild(&b, 3000, defaultSeed); err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`^gen_s=[0-9.]+ sla_s=[0-9.]+ measured=([0-9]+) breached=([0-9]+) open=([0-9]+)\n$`).FindStringSubmatch(b.String())
	if m == nil {
		t.Fatalf("child printed %q", b.String())
	}
	measured, _ := strconv.Atoi(m[1])
	breached, _ := strconv.Atoi(m[2])
	// Each ticket counts for its customer's SLA and for an OLA or UC of
	// its service, most for both.
	if measured < 3000 || breached == 0 || breached >= measured {
		t.Errorf("measured %d, breached %d", measured, breached)
	}
}
