package cli

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// The README's exit-code table is the exitCodes list, row for row.
func TestReadmeExitCodes(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(data)
	for _, c := range exitCodes {
		row := fmt.Sprintf("| %d | %s |", c.Code, c.Meaning)
		if !strings.Contains(readme, row) {
			t.Errorf("README.md lacks the row %q", row)
		}
	}
}
