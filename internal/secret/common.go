package secret

import (
	_ "embed"
	"strings"
	"sync"
	"unicode"
)

// commonPasswordsFile is the bundled list of common and breached passwords;
// its header names the source and licence.
//
//go:embed common-passwords.txt
var commonPasswordsFile string

// commonPasswords is the list as a set, built on first use.
var commonPasswords = sync.OnceValue(func() map[string]struct{} {
	set := make(map[string]struct{}, 10_000)
	for line := range strings.Lines(commonPasswordsFile) {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		set[line] = struct{}{}
	}
	return set
})

// minCommonStem is the shortest stem (a password less its trailing digits
// and punctuation) that is looked up in the list: shorter stems such as
// "abc" or "q" would refuse passwords whose strength is in the suffix.
const minCommonStem = 4

// isCommon reports whether password is in the list, ignoring case, or is a
// listed password of at least 4 characters followed by one run of digits,
// punctuation and symbols ("dragon2024!", "Qwerty_123", "пароль2000").
func isCommon(password string) bool {
	list := commonPasswords()
	p := strings.ToLower(password)
	if _, ok := list[p]; ok {
		return true
	}
	stem := strings.TrimRightFunc(p, func(r rune) bool {
		return unicode.IsDigit(r) || unicode.IsPunct(r) || unicode.IsSymbol(r)
	})
	if stem == p || len([]rune(stem)) < minCommonStem {
		return false
	}
	_, ok := list[stem]
	return ok
}
