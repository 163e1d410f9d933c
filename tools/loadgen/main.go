// Command loadgen is the bench's HTTP load generator: keep-alive HTTP/1.1 requests over loopback,
// either flat out (a fixed number in flight, closed loop) or at a fixed offered rate (open loop:
// each request has a scheduled start, latency is counted from it, so a slow answer delays nothing
// it should not and hides nothing: no coordinated omission).
//
// Why not the bench's own Node client: on a 2-core machine shared with the system under test, a
// Node event loop can only wake every millisecond or so, so at 10,000 requests/s it sent bursts of
// ten or more at once, and flat out its ~30 µs of CPU a request competed with the gateway. Here
// each request leaves within ~50 µs of its own time (see atRate), and flat out a request costs
// about half as much.
//
// Input: one JSON object on stdin (see Spec). Output: one JSON object on stdout (see Result).
// Request i is requests[i % len(requests)]: a list of templates gives a varied but reproducible load.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Template is one request and what its answer must be.
type Template struct {
	Method  string            `json:"method"`
	Path    string            `json:"path"`
	Headers map[string]string `json:"headers"`
	Body    string            `json:"body"`
	// Status the answer must have (200 if 0); another status counts as an error.
	Status int `json:"status"`
	// BodyContains, when set, must be in the answer's body; otherwise the answer counts as wrong.
	BodyContains string `json:"bodyContains"`
}

// Spec says what load to make.
type Spec struct {
	// Address is host:port of the HTTP server.
	Address string `json:"address"`
	// Mode is "flat" (InFlight requests at a time) or "rate" (Rate per second, open loop).
	Mode     string  `json:"mode"`
	Total    int     `json:"total"`
	InFlight int     `json:"inFlight"`
	Rate     float64 `json:"rate"`
	// Connections: at a rate, how many connections carry the requests (64 by default), which bounds
	// the requests in flight.
	Connections int        `json:"connections"`
	Requests    []Template `json:"requests"`
}

// Result is what the load gave.
type Result struct {
	// Latencies in ms, sorted.
	Latencies  []float64 `json:"latencies"`
	Errors     int64     `json:"errors"`
	FirstError string    `json:"firstError,omitempty"`
	// Wrong answers: the right status without the expected body.
	Wrong int64 `json:"wrong"`
	// Slowest: the 50 slowest requests of a run at a rate, each with when it was scheduled (ms
	// from the start), to tell a tail spread over the run from one stall that delayed many at once.
	Slowest []Sample `json:"slowest,omitempty"`
	// Shed: always 0 here (a late request is sent late and counted from its schedule, not dropped);
	// kept so that both of the bench's load generators answer alike.
	Shed    int64   `json:"shed"`
	Seconds float64 `json:"seconds"`
}

// Sample is one request's latency and its scheduled start (ms from the run's start).
type Sample struct {
	At float64 `json:"at"`
	Ms float64 `json:"ms"`
}

type conn struct {
	c net.Conn
	r *bufio.Reader
}

type runner struct {
	spec     Spec
	raw      [][]byte
	errors   atomic.Int64
	wrong    atomic.Int64
	firstErr atomic.Value
	mu       sync.Mutex
	lat      []float64
	samples  []Sample
}

func (t Template) encode(host string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nhost: %s\r\n", t.Method, t.Path, host)
	for k, v := range t.Headers {
		fmt.Fprintf(&b, "%s: %s\r\n", k, v)
	}
	if t.Body != "" {
		fmt.Fprintf(&b, "content-type: application/json\r\ncontent-length: %d\r\n", len(t.Body))
	}
	b.WriteString("\r\n")
	b.WriteString(t.Body)
	return b.Bytes()
}

func (r *runner) dial() (*conn, error) {
	c, err := net.Dial("tcp", r.spec.Address)
	if err != nil {
		return nil, err
	}
	return &conn{c: c, r: bufio.NewReaderSize(c, 64<<10)}, nil
}

// readAnswer reads one HTTP/1.1 answer: its status and body.
func readAnswer(r *bufio.Reader) (int, []byte, error) {
	line, err := r.ReadSlice('\n')
	if err != nil {
		return 0, nil, err
	}
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) {
		return 0, nil, fmt.Errorf("not an HTTP answer: %q", line)
	}
	status, err := strconv.Atoi(string(line[9:12]))
	if err != nil {
		return 0, nil, fmt.Errorf("bad status line: %q", line)
	}
	length, chunked := -1, false
	for {
		h, err := r.ReadSlice('\n')
		if err != nil {
			return 0, nil, err
		}
		if len(h) <= 2 {
			break
		}
		colon := bytes.IndexByte(h, ':')
		if colon < 0 {
			continue
		}
		name := strings.ToLower(string(h[:colon]))
		value := strings.TrimSpace(string(h[colon+1:]))
		switch name {
		case "content-length":
			length, _ = strconv.Atoi(value)
		case "transfer-encoding":
			chunked = strings.Contains(strings.ToLower(value), "chunked")
		}
	}
	if chunked {
		var body []byte
		for {
			sizeLine, err := r.ReadSlice('\n')
			if err != nil {
				return 0, nil, err
			}
			size, err := strconv.ParseInt(strings.TrimSpace(strings.SplitN(string(sizeLine), ";", 2)[0]), 16, 64)
			if err != nil {
				return 0, nil, fmt.Errorf("bad chunk size: %q", sizeLine)
			}
			chunk := make([]byte, size+2)
			if _, err := io.ReadFull(r, chunk); err != nil {
				return 0, nil, err
			}
			if size == 0 {
				return status, body, nil
			}
			body = append(body, chunk[:size]...)
		}
	}
	if length < 0 {
		length = 0
	}
	body := make([]byte, length)
	_, err = io.ReadFull(r, body)
	return status, body, err
}

func (r *runner) fail(err error) {
	r.errors.Add(1)
	r.firstErr.CompareAndSwap(nil, err.Error())
}

// do sends request i on c (dialling again after a broken connection) and checks its answer.
func (r *runner) do(c **conn, i int) {
	for attempt := 0; ; attempt++ {
		if *c == nil {
			fresh, err := r.dial()
			if err != nil {
				r.fail(err)
				return
			}
			*c = fresh
		}
		_, err := (*c).c.Write(r.raw[i%len(r.raw)])
		if err == nil {
			err = r.answer(i, *c)
		}
		if err == nil {
			return
		}
		(*c).c.Close()
		*c = nil
		// A keep-alive connection the server closed between two requests: once more on a new one.
		if attempt == 0 && (errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) || strings.Contains(err.Error(), "reset")) {
			continue
		}
		r.fail(err)
		return
	}
}

// answer reads the answer to request i from c and checks it: a wrong status counts as an error, an
// answer without the expected text as wrong. It returns only what broke the connection.
func (r *runner) answer(i int, c *conn) error {
	t := r.spec.Requests[i%len(r.spec.Requests)]
	status, body, err := readAnswer(c.r)
	if err != nil {
		return err
	}
	want := t.Status
	if want == 0 {
		want = 200
	}
	if status != want {
		r.fail(fmt.Errorf("%s %s: %d %s", t.Method, t.Path, status, truncate(body, 200)))
	} else if t.BodyContains != "" && !bytes.Contains(body, []byte(t.BodyContains)) {
		r.wrong.Add(1)
	}
	return nil
}

func truncate(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}

func (r *runner) record(local []float64) {
	r.mu.Lock()
	r.lat = append(r.lat, local...)
	r.mu.Unlock()
}

func (r *runner) flat() float64 {
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < r.spec.InFlight; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var c *conn
			local := make([]float64, 0, r.spec.Total/r.spec.InFlight+1)
			for {
				i := int(next.Add(1) - 1)
				if i >= r.spec.Total {
					break
				}
				sent := time.Now()
				r.do(&c, i)
				local = append(local, float64(time.Since(sent).Nanoseconds())/1e6)
			}
			if c != nil {
				c.c.Close()
			}
			r.record(local)
		}()
	}
	wg.Wait()
	return time.Since(start).Seconds()
}

// prSetTimerslack is prctl's PR_SET_TIMERSLACK (linux/prctl.h).
const prSetTimerslack = 29

// atRate sends request i at start + i/Rate, open loop. One goroutine, on an OS thread of its own,
// sleeps with nanosleep(2) and a timer slack of 1 ns until each request is due, then writes it on a
// free connection itself; each connection's reader only waits for answers. A request thus costs
// two wake-ups (its time, its answer) and leaves within ~50 µs of its schedule. (Go's own timers
// fire with millisecond granularity here: at 10,000/s requests left 0.55 ms late at the median and
// 1.1 ms at p99, lateness that would have counted as the server's latency.) A request that waits
// for a free connection leaves late and its latency still counts from its scheduled start: a
// server that falls behind shows it in every later latency.
func (r *runner) atRate() float64 {
	connections := r.spec.Connections
	if connections <= 0 {
		connections = 64
	}
	type sent struct {
		i         int
		scheduled time.Time
		// at: when it was scheduled, in ms from the run's start.
		at float64
	}
	type lane struct {
		c       *conn
		pending chan sent
	}
	free := make(chan *lane, connections)
	var wg sync.WaitGroup
	lanes := make([]*lane, 0, connections)
	for w := 0; w < connections; w++ {
		c, err := r.dial()
		if err != nil {
			r.fail(err)
			continue
		}
		l := &lane{c: c, pending: make(chan sent, 1)}
		lanes = append(lanes, l)
		free <- l
		wg.Add(1)
		go func() {
			defer wg.Done()
			var local []float64
			var samples []Sample
			for s := range l.pending {
				if l.c != nil {
					if err := r.answer(s.i, l.c); err != nil {
						r.fail(err)
						l.c.c.Close()
						l.c = nil
					}
				}
				ms := float64(time.Since(s.scheduled).Nanoseconds()) / 1e6
				local = append(local, ms)
				samples = append(samples, Sample{At: s.at, Ms: ms})
				free <- l
			}
			r.record(local)
			r.mu.Lock()
			r.samples = append(r.samples, samples...)
			r.mu.Unlock()
		}()
	}
	period := float64(time.Second) / r.spec.Rate
	start := time.Now()
	if len(lanes) > 0 {
		runtime.LockOSThread()
		// Best effort: without it the kernel may round each sleep up by its default slack (50 µs).
		_, _, _ = syscall.RawSyscall(syscall.SYS_PRCTL, prSetTimerslack, 1, 0)
		for i := 0; i < r.spec.Total; i++ {
			scheduled := start.Add(time.Duration(float64(i) * period))
			if wait := time.Until(scheduled); wait > 0 {
				ts := syscall.NsecToTimespec(int64(wait))
				for syscall.Nanosleep(&ts, &ts) == syscall.EINTR {
				}
			}
			l := <-free
			if l.c == nil {
				if c, err := r.dial(); err == nil {
					l.c = c
				} else {
					r.fail(err)
				}
			}
			if l.c != nil {
				if _, err := l.c.c.Write(r.raw[i%len(r.raw)]); err != nil {
					r.fail(err)
					l.c.c.Close()
					l.c = nil
				}
			}
			l.pending <- sent{i: i, scheduled: scheduled, at: float64(scheduled.Sub(start).Nanoseconds()) / 1e6}
		}
		runtime.UnlockOSThread()
	}
	for _, l := range lanes {
		close(l.pending)
	}
	wg.Wait()
	for _, l := range lanes {
		if l.c != nil {
			l.c.c.Close()
		}
	}
	return time.Since(start).Seconds()
}

func main() {
	var spec Spec
	if err := json.NewDecoder(os.Stdin).Decode(&spec); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen: a JSON spec on stdin:", err)
		os.Exit(2)
	}
	if len(spec.Requests) == 0 || spec.Total <= 0 || spec.Address == "" || (spec.Mode == "flat" && spec.InFlight <= 0) || (spec.Mode == "rate" && spec.Rate <= 0) || (spec.Mode != "flat" && spec.Mode != "rate") {
		fmt.Fprintln(os.Stderr, "loadgen: the spec needs address, mode (flat with inFlight, or rate with rate), total and requests")
		os.Exit(2)
	}
	host := spec.Address
	for i := range spec.Requests {
		if spec.Requests[i].Method == "" {
			spec.Requests[i].Method = "GET"
		}
	}
	r := &runner{spec: spec, lat: make([]float64, 0, spec.Total)}
	for _, t := range spec.Requests {
		r.raw = append(r.raw, t.encode(host))
	}
	var res Result
	if spec.Mode == "flat" {
		res.Seconds = r.flat()
	} else {
		res.Seconds = r.atRate()
	}
	sort.Float64s(r.lat)
	res.Latencies = r.lat
	sort.Slice(r.samples, func(a, b int) bool { return r.samples[a].Ms > r.samples[b].Ms })
	if len(r.samples) > 50 {
		r.samples = r.samples[:50]
	}
	res.Slowest = r.samples
	res.Errors = r.errors.Load()
	res.Wrong = r.wrong.Load()
	if first, ok := r.firstErr.Load().(string); ok {
		res.FirstError = first
	}
	if err := json.NewEncoder(os.Stdout).Encode(res); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}
