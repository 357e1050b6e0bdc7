package local_test

import (
	"bufio"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/portalid/portalid/internal/dynamo"
	"github.com/portalid/portalid/internal/local"
	"github.com/portalid/portalid/internal/testenv"
)

// startDynamoDB starts a private DynamoDB Local. It runs only where the
// local stack is in use (make test sets AWS_ENDPOINT_URL_DYNAMODB).
func startDynamoDB(t *testing.T, opts local.DynamoOptions) *local.Process {
	t.Helper()
	testenv.Require(t, testenv.EnvDynamoDB)
	begin := time.Now()
	p, err := local.StartDynamoDB(t.Context(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("DynamoDB Local listening at %s after %s", p.Endpoint(), time.Since(begin).Round(time.Millisecond))
	t.Cleanup(func() {
		if err := p.Stop(); err != nil {
			t.Error(err)
		}
	})
	return p
}

func dynamoClient(t *testing.T, endpoint string) *dynamodb.Client {
	t.Helper()
	cfg, err := local.AWSConfig(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return local.NewDynamoDBClient(cfg, func(o *dynamodb.Options) { o.BaseEndpoint = aws.String(endpoint) })
}

// The tests that start DynamoDB Local are not parallel: JVM start-ups
// compete for CPU, and make test already runs one DynamoDB Local.

func TestDynamoDBLoopbackOnlyAndStop(t *testing.T) {
	p := startDynamoDB(t, local.DynamoOptions{})

	if !strings.HasPrefix(p.Endpoint(), "http://127.0.0.1:") {
		t.Errorf("Endpoint() = %q, want http://127.0.0.1:PORT", p.Endpoint())
	}
	if _, err := dynamoClient(t, p.Endpoint()).ListTables(t.Context(), &dynamodb.ListTablesInput{}); err != nil {
		t.Fatalf("ListTables: %v", err)
	}

	listeners, err := listeningSockets(p.Port())
	if err != nil {
		t.Fatal(err)
	}
	if len(listeners) == 0 {
		t.Fatalf("no listening socket on port %d in /proc/net/tcp{,6}", p.Port())
	}
	for _, ip := range listeners {
		if v4 := ip.To4(); v4 == nil || !v4.Equal(net.IPv4(127, 0, 0, 1)) {
			t.Errorf("DynamoDB Local listens on %s:%d, want 127.0.0.1 only", ip, p.Port())
		}
	}

	tried := 0
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range addrs {
		ipnet, ok := a.(*net.IPNet)
		if !ok || ipnet.IP.IsLoopback() || ipnet.IP.IsLinkLocalUnicast() {
			continue
		}
		tried++
		addr := net.JoinHostPort(ipnet.IP.String(), strconv.Itoa(p.Port()))
		conn, err := net.DialTimeout("tcp", addr, 2*time.Second)
		if err == nil {
			_ = conn.Close()
			t.Errorf("connected to DynamoDB Local via non-loopback %s", addr)
		}
	}
	if tried == 0 {
		t.Log("this machine has no non-loopback address to try")
	}

	if err := p.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	select {
	case <-p.Done():
	default:
		t.Fatal("Done not closed after Stop")
	}
	if err := syscall.Kill(p.PID(), 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("process %d still exists after Stop (kill 0: %v)", p.PID(), err)
	}
	if conn, err := net.DialTimeout("tcp", strings.TrimPrefix(p.Endpoint(), "http://"), time.Second); err == nil {
		_ = conn.Close()
		t.Error("port still accepts connections after Stop")
	}
	if err := p.Stop(); err != nil {
		t.Errorf("second Stop: %v", err)
	}
}

func TestDynamoDBPersistsToDBPath(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "dynamodb")
	const table = "persisted"

	first := startDynamoDB(t, local.DynamoOptions{DBPath: dir})
	if err := dynamo.CreateTable(t.Context(), dynamoClient(t, first.Endpoint()), table); err != nil {
		t.Fatal(err)
	}
	if err := first.Stop(); err != nil {
		t.Fatal(err)
	}

	second := startDynamoDB(t, local.DynamoOptions{DBPath: dir})
	_, err := dynamoClient(t, second.Endpoint()).DescribeTable(t.Context(), &dynamodb.DescribeTableInput{TableName: aws.String(table)})
	if err != nil {
		t.Fatalf("table created before the restart is gone: %v", err)
	}
}

func TestStartDynamoDBBusyPort(t *testing.T) {
	testenv.Require(t, testenv.EnvDynamoDB)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	p, err := local.StartDynamoDB(t.Context(), local.DynamoOptions{Port: port})
	if err == nil {
		_ = p.Stop()
		t.Fatalf("StartDynamoDB on busy port %d succeeded", port)
	}
}

// listeningSockets returns the local addresses of the TCP sockets in LISTEN
// state on port, from /proc/net/tcp and /proc/net/tcp6.
func listeningSockets(port int) ([]net.IP, error) {
	var ips []net.IP
	for _, file := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		f, err := os.Open(file)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(f)
		sc.Scan() // header
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			if len(fields) < 4 || fields[3] != "0A" { // 0A = TCP_LISTEN
				continue
			}
			hexIP, hexPort, ok := strings.Cut(fields[1], ":")
			if !ok {
				continue
			}
			p, err := strconv.ParseUint(hexPort, 16, 16)
			if err != nil || int(p) != port {
				continue
			}
			ip, err := procIP(hexIP)
			if err != nil {
				_ = f.Close()
				return nil, fmt.Errorf("%s: %w", file, err)
			}
			ips = append(ips, ip)
		}
		err = sc.Err()
		_ = f.Close()
		if err != nil {
			return nil, err
		}
	}
	return ips, nil
}

// procIP decodes an address of /proc/net/tcp{,6}: 32-bit words in host
// (little-endian) byte order.
func procIP(s string) (net.IP, error) {
	b, err := hex.DecodeString(s)
	if err != nil || (len(b) != 4 && len(b) != 16) {
		return nil, fmt.Errorf("bad address %q", s)
	}
	for i := 0; i < len(b); i += 4 {
		b[i], b[i+1], b[i+2], b[i+3] = b[i+3], b[i+2], b[i+1], b[i]
	}
	return net.IP(b), nil
}
