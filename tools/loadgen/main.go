// Command loadgen is the bench's HTTP load generator: keep-alive HTTP/1.1 requests over loopback,
// either flat out (a fixed number in flight, closed loop) or at a fixed offered rate (open loop:
// each request has a scheduled start, latency is counted from it, so a slow answer delays nothing
// it should not and hides nothing: no coordinated omission).
//
// Why not the bench's own Node client: on a 2-core machine shared with the system under test, a
// Node event loop can only wake every millisecond or so, so at 10,000 requests/s it sent bursts of
// ten or more at once, and its ~30 µs of CPU a request competed with the gateway. Here each request
// leaves at its own time (Go timers), and a request costs a few µs.
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
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
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
	Mode        string     `json:"mode"`
	Total       int        `json:"total"`
	InFlight    int        `json:"inFlight"`
	Rate        float64    `json:"rate"`
	Connections int        `json:"connections"`
	MaxInFlight int        `json:"maxInFlight"`
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
	// Shed: requests not sent because MaxInFlight were waiting (the server fell behind the rate).
	Shed    int64   `json:"shed"`
	Seconds float64 `json:"seconds"`
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
	t := r.spec.Requests[i%len(r.spec.Requests)]
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
		var status int
		var body []byte
		if err == nil {
			status, body, err = readAnswer((*c).r)
		}
		if err != nil {
			(*c).c.Close()
			*c = nil
			// A keep-alive connection the server closed between two requests: once more on a new one.
			if attempt == 0 && (errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) || strings.Contains(err.Error(), "reset")) {
				continue
			}
			r.fail(err)
			return
		}
		want := t.Status
		if want == 0 {
			want = 200
		}
		if status != want {
			r.fail(fmt.Errorf("%s %s: %d %s", t.Method, t.Path, status, truncate(body, 200)))
			return
		}
		if t.BodyContains != "" && !bytes.Contains(body, []byte(t.BodyContains)) {
			r.wrong.Add(1)
		}
		return
	}
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

type job struct {
	i         int
	scheduled time.Time
}

func (r *runner) atRate() (float64, int64) {
	connections := r.spec.Connections
	if connections <= 0 {
		connections = 64
	}
	maxInFlight := int64(r.spec.MaxInFlight)
	if maxInFlight <= 0 {
		maxInFlight = 512
	}
	jobs := make(chan job, maxInFlight)
	var inFlight atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < connections; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var c *conn
			var local []float64
			for j := range jobs {
				r.do(&c, j.i)
				local = append(local, float64(time.Since(j.scheduled).Nanoseconds())/1e6)
				inFlight.Add(-1)
			}
			if c != nil {
				c.c.Close()
			}
			r.record(local)
		}()
	}
	var shed int64
	period := time.Duration(float64(time.Second) / r.spec.Rate)
	start := time.Now()
	for i := 0; i < r.spec.Total; i++ {
		scheduled := start.Add(time.Duration(i) * period)
		if wait := time.Until(scheduled); wait > 0 {
			time.Sleep(wait)
		}
		if inFlight.Load() >= maxInFlight {
			shed++
			continue
		}
		inFlight.Add(1)
		jobs <- job{i: i, scheduled: scheduled}
	}
	close(jobs)
	wg.Wait()
	return time.Since(start).Seconds(), shed
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
		res.Seconds, res.Shed = r.atRate()
	}
	sort.Float64s(r.lat)
	res.Latencies = r.lat
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
