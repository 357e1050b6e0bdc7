package local

import (
	"crypto/rand"
	"encoding/xml"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"time"
)

// The fake SNS speaks the AWS Query protocol, which is what the Go SDK's
// sns client (v1.47.9) sends: a form-encoded POST with Action=Publish and
// Version=2010-03-31, answered with XML.
const (
	snsXMLNS       = "http://sns.amazonaws.com/doc/2010-03-31/"
	snsMaxBodySize = 1 << 20
	snsMaxMessage  = 256 << 10 // bytes; SNS rejects longer messages
)

// SMS attribute names SNS reads from a Publish to a phone number.
const (
	attrSenderID = "AWS.SNS.SMS.SenderID"
	attrSMSType  = "AWS.SNS.SMS.SMSType"
)

var e164 = regexp.MustCompile(`^\+[1-9][0-9]{1,14}$`)

type snsFake struct {
	outbox *Outbox
	now    func() time.Time
}

// NewSNS returns a fake SNS endpoint: Publish with a PhoneNumber appends
// one line {"to", "message", "at", …} to the outbox file at outboxPath and
// answers like SNS, with a MessageId. Every other request gets an SNS error
// (400, InvalidParameter). Serve it on 127.0.0.1 and point the SDK at it
// with AWS_ENDPOINT_URL_SNS.
func NewSNS(outboxPath string) http.Handler {
	return &snsFake{outbox: NewOutbox(outboxPath), now: time.Now}
}

func (s *snsFake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	requestID := newUUID()
	r.Body = http.MaxBytesReader(w, r.Body, snsMaxBodySize)
	if err := r.ParseForm(); err != nil {
		writeSNSError(w, http.StatusBadRequest, "InvalidParameter", "Invalid request: malformed form body", requestID)
		return
	}
	switch action := r.Form.Get("Action"); action {
	case "Publish":
		s.publish(w, r, requestID)
	case "":
		writeSNSError(w, http.StatusBadRequest, "InvalidParameter", "Invalid parameter: Action is required", requestID)
	default:
		writeSNSError(w, http.StatusBadRequest, "InvalidParameter", "Invalid parameter: Action "+strconv.Quote(action)+" is not supported by the local SNS", requestID)
	}
}

func (s *snsFake) publish(w http.ResponseWriter, r *http.Request, requestID string) {
	f := r.Form
	phone := f.Get("PhoneNumber")
	switch {
	case f.Get("TopicArn") != "" || f.Get("TargetArn") != "":
		writeSNSError(w, http.StatusBadRequest, "InvalidParameter", "Invalid parameter: the local SNS publishes only to a PhoneNumber", requestID)
		return
	case phone == "":
		writeSNSError(w, http.StatusBadRequest, "InvalidParameter", "Invalid parameter: PhoneNumber is required", requestID)
		return
	case !e164.MatchString(phone):
		writeSNSError(w, http.StatusBadRequest, "InvalidParameter", "Invalid parameter: PhoneNumber Reason: must be in E.164 format", requestID)
		return
	}
	msg := f.Get("Message")
	if msg == "" {
		writeSNSError(w, http.StatusBadRequest, "InvalidParameter", "Invalid parameter: Empty message", requestID)
		return
	}
	if len(msg) > snsMaxMessage {
		writeSNSError(w, http.StatusBadRequest, "InvalidParameter", "Invalid parameter: Message too long", requestID)
		return
	}
	attrs := messageAttributes(f)
	messageID := newUUID()
	err := s.outbox.Append(OutboxEntry{
		To:        phone,
		Message:   msg,
		At:        s.now().UTC(),
		SenderID:  attrs[attrSenderID],
		SMSType:   attrs[attrSMSType],
		MessageID: messageID,
	})
	if err != nil {
		writeSNSError(w, http.StatusInternalServerError, "InternalError", "Internal error: cannot write the outbox", requestID)
		return
	}
	type result struct {
		MessageID string `xml:"MessageId"`
	}
	type metadata struct {
		RequestID string `xml:"RequestId"`
	}
	writeXML(w, http.StatusOK, struct {
		XMLName  xml.Name `xml:"PublishResponse"`
		XMLNS    string   `xml:"xmlns,attr"`
		Result   result   `xml:"PublishResult"`
		Metadata metadata `xml:"ResponseMetadata"`
	}{XMLNS: snsXMLNS, Result: result{messageID}, Metadata: metadata{requestID}})
}

// messageAttributes decodes the Query encoding of MessageAttributes:
// MessageAttributes.entry.N.Name and MessageAttributes.entry.N.Value.StringValue.
func messageAttributes(f map[string][]string) map[string]string {
	attrs := map[string]string{}
	for n := 1; ; n++ {
		prefix := "MessageAttributes.entry." + strconv.Itoa(n) + "."
		names, ok := f[prefix+"Name"]
		if !ok || len(names) == 0 {
			return attrs
		}
		if v := f[prefix+"Value.StringValue"]; len(v) > 0 {
			attrs[names[0]] = v[0]
		}
	}
}

func writeSNSError(w http.ResponseWriter, status int, code, message, requestID string) {
	typ := "Sender"
	if status >= 500 {
		typ = "Receiver"
	}
	type detail struct {
		Type    string `xml:"Type"`
		Code    string `xml:"Code"`
		Message string `xml:"Message"`
	}
	writeXML(w, status, struct {
		XMLName   xml.Name `xml:"ErrorResponse"`
		XMLNS     string   `xml:"xmlns,attr"`
		Error     detail   `xml:"Error"`
		RequestID string   `xml:"RequestId"`
	}{XMLNS: snsXMLNS, Error: detail{typ, code, message}, RequestID: requestID})
}

func writeXML(w http.ResponseWriter, status int, v any) {
	body, err := xml.Marshal(v)
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("Content-Length", strconv.Itoa(len(xml.Header)+len(body)))
	w.WriteHeader(status)
	_, _ = w.Write([]byte(xml.Header))
	_, _ = w.Write(body)
}

// newUUID returns a random (version 4) UUID, the shape of SNS message and
// request ids.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
