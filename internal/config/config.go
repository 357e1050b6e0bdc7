// Package config holds every SPEC default in one place and loads the
// per-deployment overrides from the environment. Load is pure: main passes
// os.LookupEnv, tests pass a map.
package config

import (
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Config is the whole configuration of a function or of the local system.
type Config struct {
	// Resources and deployment facts.
	TableName           string // TABLE_NAME
	Stage               string // STAGE
	SMSSenderID         string // SMS_SENDER_ID
	MailFrom            string // MAIL_FROM
	KeysSecretARN       string // KEYS_SECRET_ARN: Secrets Manager secret holding the HMAC master key (AWS)
	LocalKeysFile       string // LOCAL_KEYS_FILE: file holding the master key (make run, tests)
	MailOutbox          string // MAIL_OUTBOX: local mail outbox file; empty in AWS (SES is used)
	PublicURL           string // PUBLIC_URL: where the web client lives, for links in mail
	SigningKeyID        string // SIGNING_KEY_ID: the KMS key that signs access tokens (AWS)
	LocalSigningKeyFile string // LOCAL_SIGNING_KEY_FILE: PEM key that signs access tokens (make run, tests)
	DataKeyID           string // DATA_KEY_ID: the KMS key whose data keys encrypt personal data (AWS)
	MetricNamespace     string // METRIC_NAMESPACE: CloudWatch namespace of the EMF metrics (internal/metric)
	// IdentityCheckStateMachineARN is IDENTITY_CHECK_STATE_MACHINE_ARN.
	IdentityCheckStateMachineARN string
	// PostalLetterStateMachineARN is POSTAL_LETTER_STATE_MACHINE_ARN.
	PostalLetterStateMachineARN string
	// LetterOutbox is LETTER_OUTBOX: the local file the postal simulator
	// prints letters to (make run, tests); empty in AWS.
	LetterOutbox string

	Registration Registration
	Identity     Identity
	Letter       Letter
	// EventRetention is EVENT_RETENTION: how long security events are kept.
	EventRetention time.Duration
	Password       Password
	Session        Session
	Recovery       Recovery
	Signature      Signature
	Operator       Operator
	Organisation   Organisation
}

// Organisation holds the limits of the legal entities (SPEC §2.5).
type Organisation struct {
	// MaxMembers is ORG_MAX_MEMBERS: the members one organisation may
	// have, its head included.
	MaxMembers int
	// MemberAddsPerHour is ORG_MEMBER_ADDS_PER_HOUR: the additions one
	// head may try in any hour, found or not. An addition names a person
	// by SNILS and surname, so it must not serve to test such pairs.
	MemberAddsPerHour int
}

// Signature holds the identity confirmation by electronic signature
// (SPEC §2.4).
type Signature struct {
	ChallengeTTL time.Duration // SIGNATURE_CHALLENGE_TTL: how long a challenge may be signed
	// TrustList is SIGNATURE_TRUST_LIST: the accredited CAs, a bundle
	// compiled in from internal/signature/trust/ by file name, or (make
	// run, tests) a PEM file by path.
	TrustList string
}

// Operator holds the limits of the service-centre operators (SPEC §2.4
// "In person").
type Operator struct {
	// SearchesPerHour is OPERATOR_SEARCHES_PER_HOUR: SNILS searches one
	// operator credential may make in any hour, against bulk lookup.
	SearchesPerHour int
	// PassportCheckTTL is OPERATOR_PASSPORT_CHECK_TTL: how long a passport
	// that matched the profile lets the operator who compared it confirm
	// the account or restore access.
	PassportCheckTTL time.Duration
}

// Recovery holds the limits of password recovery (SPEC §2.2) that are its
// own; its codes follow Registration's numbers (lifetime, resend interval,
// sends per contact and client address, attempts), as SPEC gives one set.
type Recovery struct {
	TTL time.Duration // RECOVERY_TTL: how long a started recovery may be completed
}

// Identity holds the numbers of the identity check (SPEC §2.3).
type Identity struct {
	RegistryTimeoutSeconds int           // REGISTRY_TIMEOUT_SECONDS: 5 days without an answer → stalled
	RegistryLatency        time.Duration // REGISTRY_LATENCY: how long the registry simulator takes to answer
}

// RegistryTimeoutSecondsString is the timeout as the ASL substitution
// takes it.
func (i Identity) RegistryTimeoutSecondsString() string {
	return strconv.Itoa(i.RegistryTimeoutSeconds)
}

// Letter holds the numbers of identity confirmation by registered letter
// (SPEC §2.4) and of the postal provider that carries it.
type Letter struct {
	CodeTTL         time.Duration // LETTER_CODE_TTL: a code is valid 60 days from dispatch
	ReminderAfter   time.Duration // LETTER_REMINDER_AFTER: a reminder after 14 days unused
	ReorderInterval time.Duration // LETTER_REORDER_INTERVAL: a new letter 30 days after the previous one
	MaxAttempts     int           // LETTER_MAX_ATTEMPTS: wrong attempts per letter before its code is void
	// PostalReportTimeoutSeconds is POSTAL_REPORT_TIMEOUT_SECONDS: how
	// long the workflow waits for the provider's tracking number before
	// it goes on without one.
	PostalReportTimeoutSeconds int
	TrackingURL                string        // POSTAL_TRACKING_URL: the carrier's tracking link, "{tracking}" replaced by the number
	TrackingDelay              time.Duration // POSTAL_TRACKING_DELAY: when the postal simulator reports the tracking number
	DeliveryDelay              time.Duration // POSTAL_DELIVERY_DELAY: when the postal simulator reports delivery (or loss) after that
}

// PostalReportTimeoutSecondsString is the timeout as the ASL
// substitution takes it.
func (l Letter) PostalReportTimeoutSecondsString() string {
	return strconv.Itoa(l.PostalReportTimeoutSeconds)
}

// Session holds the sign-in limits and token lifetimes of SPEC §2.2.
type Session struct {
	AccessTokenTTL   time.Duration // ACCESS_TOKEN_TTL
	RefreshTokenTTL  time.Duration // REFRESH_TOKEN_TTL
	LoginMaxFailures int           // LOGIN_MAX_FAILURES: failures per identifier within LoginWindow before a lockout
	LoginWindow      time.Duration // LOGIN_WINDOW
	LockoutBase      time.Duration // LOCKOUT_BASE: the first lockout; each repeat doubles it
	LoginIPFailures  int           // LOGIN_IP_FAILURES: failures per client address within LoginWindow
	// SessionMaxAge is SESSION_MAX_AGE: the absolute lifetime of a session
	// from its sign-in, however often it is refreshed (ASVS 3.3.2); each
	// refresh extends a session by RefreshTokenTTL only up to it.
	SessionMaxAge time.Duration
}

// Registration holds the limits of SPEC §2.1.
type Registration struct {
	SMSCodeTTL        time.Duration // SMS_CODE_TTL
	EmailLinkTTL      time.Duration // EMAIL_LINK_TTL
	ResendMinInterval time.Duration // RESEND_MIN_INTERVAL
	SendLimit         int           // SEND_LIMIT: sends per SendWindow per contact and per client IP
	SendWindow        time.Duration // SEND_WINDOW
	CodeMaxAttempts   int           // CODE_MAX_ATTEMPTS
	RegistrationTTL   time.Duration // REGISTRATION_TTL: how long a started registration may be completed
}

// Password holds the password policy and the argon2id parameters of SPEC §2.1.
type Password struct {
	MinLength     int    // PASSWORD_MIN_LENGTH
	MaxLength     int    // PASSWORD_MAX_LENGTH
	Argon2Time    uint32 // ARGON2_TIME
	Argon2MemKiB  uint32 // ARGON2_MEMORY_KIB
	Argon2Threads uint8  // ARGON2_THREADS
}

// Var describes one environment variable: its name, the SAM template
// Parameter that feeds it, and its default ("" means required or unset).
type Var struct {
	Env     string
	Param   string
	Default string
	// Limit is true for SPEC numbers: every one has a template Parameter.
	Limit bool
	set   func(c *Config, v string) error
}

// Vars lists every variable Load reads, in one place.
func Vars() []Var {
	return []Var{
		str("TABLE_NAME", "", "", func(c *Config) *string { return &c.TableName }),
		str("STAGE", "Stage", "dev", func(c *Config) *string { return &c.Stage }),
		str("SMS_SENDER_ID", "SmsSenderId", "PORTALID", func(c *Config) *string { return &c.SMSSenderID }),
		str("MAIL_FROM", "MailFrom", "no-reply@portalid.example", func(c *Config) *string { return &c.MailFrom }),
		str("KEYS_SECRET_ARN", "", "", func(c *Config) *string { return &c.KeysSecretARN }),
		str("LOCAL_KEYS_FILE", "", "", func(c *Config) *string { return &c.LocalKeysFile }),
		str("MAIL_OUTBOX", "", "", func(c *Config) *string { return &c.MailOutbox }),
		str("SIGNING_KEY_ID", "", "", func(c *Config) *string { return &c.SigningKeyID }),
		str("DATA_KEY_ID", "", "", func(c *Config) *string { return &c.DataKeyID }),
		str("IDENTITY_CHECK_STATE_MACHINE_ARN", "", "", func(c *Config) *string { return &c.IdentityCheckStateMachineARN }),
		dur("EVENT_RETENTION", "EventRetention", "8760h", func(c *Config) *time.Duration { return &c.EventRetention }),
		num("REGISTRY_TIMEOUT_SECONDS", "RegistryTimeoutSeconds", "432000", func(c *Config) *int { return &c.Identity.RegistryTimeoutSeconds }),
		dur("REGISTRY_LATENCY", "RegistryLatency", "2s", func(c *Config) *time.Duration { return &c.Identity.RegistryLatency }),
		str("LOCAL_SIGNING_KEY_FILE", "", "", func(c *Config) *string { return &c.LocalSigningKeyFile }),
		str("PUBLIC_URL", "PublicUrl", "http://127.0.0.1:8080", func(c *Config) *string { return &c.PublicURL }),
		str("METRIC_NAMESPACE", "MetricNamespace", "portalid", func(c *Config) *string { return &c.MetricNamespace }),

		dur("SMS_CODE_TTL", "SmsCodeTtl", "300s", func(c *Config) *time.Duration { return &c.Registration.SMSCodeTTL }),
		dur("EMAIL_LINK_TTL", "EmailLinkTtl", "72h", func(c *Config) *time.Duration { return &c.Registration.EmailLinkTTL }),
		dur("RESEND_MIN_INTERVAL", "ResendMinInterval", "60s", func(c *Config) *time.Duration { return &c.Registration.ResendMinInterval }),
		num("SEND_LIMIT", "SendLimit", "5", func(c *Config) *int { return &c.Registration.SendLimit }),
		dur("SEND_WINDOW", "SendWindow", "1h", func(c *Config) *time.Duration { return &c.Registration.SendWindow }),
		num("CODE_MAX_ATTEMPTS", "CodeMaxAttempts", "5", func(c *Config) *int { return &c.Registration.CodeMaxAttempts }),
		dur("REGISTRATION_TTL", "RegistrationTtl", "96h", func(c *Config) *time.Duration { return &c.Registration.RegistrationTTL }),

		dur("RECOVERY_TTL", "RecoveryTtl", "1h", func(c *Config) *time.Duration { return &c.Recovery.TTL }),

		dur("SIGNATURE_CHALLENGE_TTL", "SignatureChallengeTtl", "600s", func(c *Config) *time.Duration { return &c.Signature.ChallengeTTL }),
		str("SIGNATURE_TRUST_LIST", "SignatureTrustList", "accredited-cas.pem", func(c *Config) *string { return &c.Signature.TrustList }),
		num("OPERATOR_SEARCHES_PER_HOUR", "OperatorSearchesPerHour", "120", func(c *Config) *int { return &c.Operator.SearchesPerHour }),
		dur("OPERATOR_PASSPORT_CHECK_TTL", "OperatorPassportCheckTtl", "15m", func(c *Config) *time.Duration { return &c.Operator.PassportCheckTTL }),
		num("ORG_MAX_MEMBERS", "OrgMaxMembers", "500", func(c *Config) *int { return &c.Organisation.MaxMembers }),
		num("ORG_MEMBER_ADDS_PER_HOUR", "OrgMemberAddsPerHour", "30", func(c *Config) *int { return &c.Organisation.MemberAddsPerHour }),
		str("POSTAL_LETTER_STATE_MACHINE_ARN", "", "", func(c *Config) *string { return &c.PostalLetterStateMachineARN }),
		str("LETTER_OUTBOX", "", "", func(c *Config) *string { return &c.LetterOutbox }),
		dur("LETTER_CODE_TTL", "LetterCodeTtl", "1440h", func(c *Config) *time.Duration { return &c.Letter.CodeTTL }),
		dur("LETTER_REMINDER_AFTER", "LetterReminderAfter", "336h", func(c *Config) *time.Duration { return &c.Letter.ReminderAfter }),
		dur("LETTER_REORDER_INTERVAL", "LetterReorderInterval", "720h", func(c *Config) *time.Duration { return &c.Letter.ReorderInterval }),
		num("LETTER_MAX_ATTEMPTS", "LetterMaxAttempts", "5", func(c *Config) *int { return &c.Letter.MaxAttempts }),
		num("POSTAL_REPORT_TIMEOUT_SECONDS", "PostalReportTimeoutSeconds", "604800", func(c *Config) *int { return &c.Letter.PostalReportTimeoutSeconds }),
		str("POSTAL_TRACKING_URL", "PostalTrackingUrl", "https://www.pochta.ru/tracking?barcode={tracking}", func(c *Config) *string { return &c.Letter.TrackingURL }),
		dur("POSTAL_TRACKING_DELAY", "PostalTrackingDelay", "1s", func(c *Config) *time.Duration { return &c.Letter.TrackingDelay }),
		dur("POSTAL_DELIVERY_DELAY", "PostalDeliveryDelay", "5s", func(c *Config) *time.Duration { return &c.Letter.DeliveryDelay }),

		dur("ACCESS_TOKEN_TTL", "AccessTokenTtl", "15m", func(c *Config) *time.Duration { return &c.Session.AccessTokenTTL }),
		dur("REFRESH_TOKEN_TTL", "RefreshTokenTtl", "720h", func(c *Config) *time.Duration { return &c.Session.RefreshTokenTTL }),
		num("LOGIN_MAX_FAILURES", "LoginMaxFailures", "5", func(c *Config) *int { return &c.Session.LoginMaxFailures }),
		dur("LOGIN_WINDOW", "LoginWindow", "15m", func(c *Config) *time.Duration { return &c.Session.LoginWindow }),
		dur("LOCKOUT_BASE", "LockoutBase", "15m", func(c *Config) *time.Duration { return &c.Session.LockoutBase }),
		num("LOGIN_IP_FAILURES", "LoginIpFailures", "20", func(c *Config) *int { return &c.Session.LoginIPFailures }),
		dur("SESSION_MAX_AGE", "SessionMaxAge", "720h", func(c *Config) *time.Duration { return &c.Session.SessionMaxAge }),

		num("PASSWORD_MIN_LENGTH", "PasswordMinLength", "8", func(c *Config) *int { return &c.Password.MinLength }),
		num("PASSWORD_MAX_LENGTH", "PasswordMaxLength", "128", func(c *Config) *int { return &c.Password.MaxLength }),
		u32("ARGON2_TIME", "Argon2Time", "2", func(c *Config) *uint32 { return &c.Password.Argon2Time }),
		u32("ARGON2_MEMORY_KIB", "Argon2MemoryKib", "19456", func(c *Config) *uint32 { return &c.Password.Argon2MemKiB }),
		{Env: "ARGON2_THREADS", Param: "Argon2Threads", Default: "1", Limit: true, set: func(c *Config, v string) error {
			n, err := strconv.ParseUint(v, 10, 8)
			if err != nil || n == 0 {
				return errors.New("want a whole number from 1 to 255")
			}
			c.Password.Argon2Threads = uint8(n)
			return nil
		}},
	}
}

// Defaults returns the configuration with every default applied.
func Defaults() Config {
	c, err := Load(func(string) (string, bool) { return "", false })
	if err != nil {
		panic("config: bad built-in default: " + err.Error())
	}
	return c
}

// Load applies the defaults and then the variables lookup finds. All
// problems are reported together; they name variables, never values.
func Load(lookup func(string) (string, bool)) (Config, error) {
	var c Config
	var errs []error
	for _, v := range Vars() {
		val := v.Default
		if s, ok := lookup(v.Env); ok && s != "" {
			val = s
		}
		if val == "" {
			continue
		}
		if err := v.set(&c, val); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", v.Env, err))
		}
	}
	return c, errors.Join(errs...)
}

func str(env, param, def string, field func(*Config) *string) Var {
	return Var{Env: env, Param: param, Default: def, set: func(c *Config, v string) error {
		*field(c) = v
		return nil
	}}
}

func dur(env, param, def string, field func(*Config) *time.Duration) Var {
	return Var{Env: env, Param: param, Default: def, Limit: true, set: func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return errors.New("want a positive Go duration such as 300s or 72h")
		}
		*field(c) = d
		return nil
	}}
}

func num(env, param, def string, field func(*Config) *int) Var {
	return Var{Env: env, Param: param, Default: def, Limit: true, set: func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return errors.New("want a positive whole number")
		}
		*field(c) = n
		return nil
	}}
}

func u32(env, param, def string, field func(*Config) *uint32) Var {
	return Var{Env: env, Param: param, Default: def, Limit: true, set: func(c *Config, v string) error {
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil || n == 0 {
			return errors.New("want a positive whole number")
		}
		*field(c) = uint32(n)
		return nil
	}}
}
