package account

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestParseAnswer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
	}{
		{"Иванова", "иванова"},
		{"  Фёдорова  ", "федорова"},
		{"ФЁДОРОВА", "федорова"},
		{"Фе\u0308дорова", "федорова"},
		{"Фё\u0308дорова", "федорова"},
		{"Сере\u0301брянка", "сере\u0301брянка"},
		{"Чаи\u0306ковский", "чайковский"},
		{"улица \t Ленина\n 5", "улица ленина 5"},
		{"Rex", "rex"},
		{"a", "a"},
		{strings.Repeat("я", 100), strings.Repeat("я", 100)},
	}
	for _, tt := range tests {
		got, err := ParseAnswer(tt.in)
		if err != nil || got.Value() != tt.want {
			t.Errorf("ParseAnswer(%q) = %q, %v; want %q", tt.in, got.Value(), err, tt.want)
		}
	}
	for _, in := range []string{"", "   ", "\t\n", strings.Repeat("я", 101), "a\x00b", "a\x1bb", "\xff\xfe", strings.Repeat(" ", 2000) + "a"} {
		if _, err := ParseAnswer(in); !errors.Is(err, ErrAnswerInvalid) {
			t.Errorf("ParseAnswer(%q) error = %v, want %v", in, err, ErrAnswerInvalid)
		}
	}
}

func TestParseQuestion(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"Девичья фамилия матери?", "Девичья фамилия матери?"},
		{"  Кличка   первой\tсобаки  ", "Кличка первой собаки"},
		{"Why?", "Why?"},
	}
	for _, tt := range tests {
		if got, err := ParseQuestion(tt.in); err != nil || got != tt.want {
			t.Errorf("ParseQuestion(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, in := range []string{"", "ab", "  a   ", strings.Repeat("q", 201), "q\x07q?"} {
		if _, err := ParseQuestion(in); !errors.Is(err, ErrQuestionInvalid) {
			t.Errorf("ParseQuestion(%q) error = %v, want %v", in, err, ErrQuestionInvalid)
		}
	}
}

func TestAnswerRedacts(t *testing.T) {
	t.Parallel()
	a, err := ParseAnswer("Canary-Answer")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	slog.New(slog.NewJSONHandler(&b, nil)).Info("x", "answer", a)
	for _, s := range []string{fmt.Sprint(a), fmt.Sprintf("%v %+v %#v %s %q", a, a, a, a, a), b.String()} {
		if strings.Contains(s, "canary") {
			t.Errorf("printed answer %q shows the value", s)
		}
	}
}
