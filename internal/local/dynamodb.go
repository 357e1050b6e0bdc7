package local

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// DynamoDBStartTimeout bounds how long StartDynamoDB waits for DynamoDB
// Local to listen. It usually takes about 3 s, but a JVM starting on a
// busy two-CPU machine has been seen to need more than 30 s.
const DynamoDBStartTimeout = 60 * time.Second

// stopGrace is how long Stop waits after SIGTERM before SIGKILL.
const stopGrace = 5 * time.Second

// readyMarker is the line LoopbackDynamoDB prints once its socket is open.
const readyMarker = "portalid-dynamodb-listening "

// DynamoOptions configures a DynamoDB Local process.
type DynamoOptions struct {
	// DBPath is the directory of the database files; "" keeps the data in
	// memory. The directory is created if missing.
	DBPath string
	// Port is the TCP port on 127.0.0.1; 0 picks a free one.
	Port int
	// Output receives DynamoDB Local's own stdout and stderr; nil discards
	// them (their tail still goes into start errors).
	Output io.Writer
}

// Process is a running DynamoDB Local bound to 127.0.0.1.
type Process struct {
	cmd      *exec.Cmd
	stdin    io.Closer
	endpoint string
	port     int
	done     chan struct{}
	waitErr  error
	stopOnce sync.Once
	stopErr  error
}

// StartDynamoDB starts DynamoDB Local (Java on PATH) through the
// LoopbackDynamoDB launcher and waits until it accepts connections. ctx
// bounds the start only; the process runs until Stop. The emulator must
// have been installed with InstallScript.
func StartDynamoDB(ctx context.Context, opts DynamoOptions) (*Process, error) {
	emu, err := findEmulators()
	if err != nil {
		return nil, err
	}
	java, err := exec.LookPath("java")
	if err != nil {
		return nil, fmt.Errorf("start dynamodb local: java not found on PATH: %w", err)
	}
	if opts.Port < 0 || opts.Port > 65535 {
		return nil, fmt.Errorf("start dynamodb local: invalid port %d", opts.Port)
	}

	args := []string{
		"-Djava.library.path=" + filepath.Join(emu.dynamoDir, "DynamoDBLocal_lib"),
		"-Djava.net.preferIPv4Stack=true",
		"-XX:+UseSerialGC",
		"-cp", emu.classes + string(os.PathListSeparator) + filepath.Join(emu.dynamoDir, "DynamoDBLocal.jar"),
		"LoopbackDynamoDB",
		"-port", strconv.Itoa(opts.Port),
		"-stopOnStdinClose",
	}
	if opts.DBPath != "" {
		dir, err := filepath.Abs(opts.DBPath)
		if err != nil {
			return nil, fmt.Errorf("start dynamodb local: %w", err)
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("start dynamodb local: %w", err)
		}
		args = append(args, "-dbPath", dir)
	} else {
		args = append(args, "-inMemory")
	}

	var out io.Writer = io.Discard
	if opts.Output != nil {
		out = &lockedWriter{w: opts.Output}
	}
	ready := make(chan string, 1)
	tail := &tailBuffer{max: 4096} // stdout and stderr, for start errors

	cmd := exec.Command(java, args...)
	cmd.Dir = emu.dynamoDir // DynamoDB Local looks for log4j2.xml in "."
	cmd.Stdout = &lineWriter{out: io.MultiWriter(out, tail), ready: ready}
	cmd.Stderr = io.MultiWriter(out, tail)
	// Its own process group, so Stop can end it and anything it spawns,
	// and a Ctrl-C in the terminal reaches only the parent, which stops it
	// in order.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	// The launcher exits when this pipe closes, so it cannot outlive us
	// even if we are killed.
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("start dynamodb local: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start dynamodb local: %w", err)
	}
	p := &Process{cmd: cmd, stdin: stdin, done: make(chan struct{})}
	go func() {
		p.waitErr = cmd.Wait()
		close(p.done)
	}()

	timer := time.NewTimer(DynamoDBStartTimeout)
	defer timer.Stop()
	var addr string
	select {
	case addr = <-ready:
	case <-p.done:
		return nil, fmt.Errorf("start dynamodb local: exited before listening (%v): %s", p.waitErr, tail.String())
	case <-timer.C:
		_ = p.Stop()
		return nil, fmt.Errorf("start dynamodb local: not listening after %s: %s", DynamoDBStartTimeout, tail.String())
	case <-ctx.Done():
		_ = p.Stop()
		return nil, fmt.Errorf("start dynamodb local: %w", ctx.Err())
	}

	host, portStr, err := net.SplitHostPort(addr)
	port, perr := strconv.Atoi(portStr)
	if err != nil || perr != nil || host != "127.0.0.1" {
		_ = p.Stop()
		return nil, fmt.Errorf("start dynamodb local: unexpected listen address %q", addr)
	}
	conn, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		_ = p.Stop()
		return nil, fmt.Errorf("start dynamodb local: %w", err)
	}
	_ = conn.Close()
	p.port = port
	p.endpoint = "http://" + addr
	return p, nil
}

// Endpoint returns the URL clients use: "http://127.0.0.1:PORT".
func (p *Process) Endpoint() string { return p.endpoint }

// Port returns the TCP port DynamoDB Local listens on.
func (p *Process) Port() int { return p.port }

// PID returns the process id of the Java process.
func (p *Process) PID() int { return p.cmd.Process.Pid }

// Done is closed when the process has exited, whether stopped or not.
func (p *Process) Done() <-chan struct{} { return p.done }

// Stop ends the process group: SIGTERM (DynamoDB Local closes its files),
// then SIGKILL if it has not exited within a few seconds. It waits for the
// exit and is safe to call more than once.
func (p *Process) Stop() error {
	p.stopOnce.Do(func() { p.stopErr = p.stop() })
	return p.stopErr
}

func (p *Process) stop() error {
	select {
	case <-p.done:
		return nil
	default:
	}
	pgid := p.cmd.Process.Pid
	_ = p.stdin.Close()
	if err := syscall.Kill(-pgid, syscall.SIGTERM); err != nil && !errors.Is(err, syscall.ESRCH) {
		return fmt.Errorf("stop dynamodb local: %w", err)
	}
	select {
	case <-p.done:
		return nil
	case <-time.After(stopGrace):
	}
	if err := syscall.Kill(-pgid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
		return fmt.Errorf("stop dynamodb local: %w", err)
	}
	<-p.done
	return nil
}

// lineWriter forwards output and reports the launcher's ready line.
type lineWriter struct {
	out   io.Writer
	ready chan<- string
	buf   []byte
	seen  bool
}

func (w *lineWriter) Write(b []byte) (int, error) {
	if !w.seen {
		w.buf = append(w.buf, b...)
		for {
			i := bytes.IndexByte(w.buf, '\n')
			if i < 0 {
				break
			}
			line := strings.TrimSpace(string(w.buf[:i]))
			w.buf = w.buf[i+1:]
			if addr, ok := strings.CutPrefix(line, readyMarker); ok {
				w.seen = true
				w.buf = nil
				w.ready <- strings.TrimSpace(addr)
				break
			}
		}
		if len(w.buf) > 64<<10 {
			w.buf = nil
		}
	}
	_, _ = w.out.Write(b)
	return len(b), nil
}

// lockedWriter serialises the writes of stdout and stderr copiers.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (t *tailBuffer) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, b...)
	if len(t.b) > t.max {
		t.b = t.b[len(t.b)-t.max:]
	}
	return len(b), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.TrimSpace(string(t.b))
}
