// Command loadgen is the bench's HTTP load generator: keep-alive HTTP/1.1 requests over loopback,
// either flat out (a fixed number in flight, closed loop) or at a fixed offered rate (open loop:
// each request has a scheduled start, latency is counted from it, so a slow answer delays nothing
// it should not and hides nothing: no coordinated omission).
//
// Why not the bench's own Node client: on a 2-core machine shared with the system under test, a
// Node event loop can only wake every millisecond or so, so at 10,000 requests/s it sent bursts of
// ten or more at once, and flat out its ~30 µs of CPU a request competed with the gateway. Here
// each request leaves within a few µs of its own time (see atRate), and flat out a request costs
// about half as much.
//
// Input: one JSON object on stdin (see Spec). Output: one JSON object on stdout (see Result).
// Request i is requests[i % len(requests)]: a list of templates gives a varied but reproducible load.
package main

import (
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
	// buf holds what was read and not yet consumed; used is the size of the answer last returned,
	// consumed at the next read (its body is a slice of buf until then).
	buf  []byte
	used int
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
	return &conn{c: c, buf: make([]byte, 0, 64<<10)}, nil
}

// maxHead bounds an answer's status line and headers.
const maxHead = 64 << 10

var crlf2 = []byte("\r\n\r\n")

// parseAnswer reads one HTTP/1.1 answer at the front of b: its status, its body (a slice of b, or a
// copy when chunked) and its size n. n is 0 while b does not yet hold a whole answer.
func parseAnswer(b []byte) (status int, body []byte, n int, err error) {
	head := bytes.Index(b, crlf2)
	if head < 0 {
		if len(b) > maxHead {
			return 0, nil, 0, fmt.Errorf("no end of headers in %d bytes", len(b))
		}
		return 0, nil, 0, nil
	}
	lineEnd := bytes.IndexByte(b, '\n')
	line := b[:lineEnd]
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) {
		return 0, nil, 0, fmt.Errorf("not an HTTP answer: %q", line)
	}
	status, err = strconv.Atoi(string(line[9:12]))
	if err != nil {
		return 0, nil, 0, fmt.Errorf("bad status line: %q", line)
	}
	length, chunked := -1, false
	for rest := b[lineEnd+1 : head+2]; len(rest) > 0; {
		end := bytes.IndexByte(rest, '\n')
		h := rest[:end]
		rest = rest[end+1:]
		colon := bytes.IndexByte(h, ':')
		if colon < 0 {
			continue
		}
		name, value := bytes.TrimSpace(h[:colon]), bytes.TrimSpace(h[colon+1:])
		switch {
		case bytes.EqualFold(name, []byte("content-length")):
			if length, err = strconv.Atoi(string(value)); err != nil || length < 0 {
				return 0, nil, 0, fmt.Errorf("bad content-length: %q", value)
			}
		case bytes.EqualFold(name, []byte("transfer-encoding")):
			chunked = bytes.Contains(bytes.ToLower(value), []byte("chunked"))
		}
	}
	pos := head + 4
	if chunked {
		for {
			end := bytes.IndexByte(b[pos:], '\n')
			if end < 0 {
				return 0, nil, 0, nil
			}
			sizeText := b[pos : pos+end]
			if semi := bytes.IndexByte(sizeText, ';'); semi >= 0 {
				sizeText = sizeText[:semi]
			}
			size, perr := strconv.ParseInt(string(bytes.TrimSpace(sizeText)), 16, 64)
			if perr != nil || size < 0 {
				return 0, nil, 0, fmt.Errorf("bad chunk size: %q", sizeText)
			}
			pos += end + 1
			if int64(len(b)-pos) < size+2 {
				return 0, nil, 0, nil
			}
			if size == 0 {
				return status, body, pos + 2, nil
			}
			body = append(body, b[pos:pos+int(size)]...)
			pos += int(size) + 2
		}
	}
	if length < 0 {
		length = 0
	}
	if len(b)-pos < length {
		return 0, nil, 0, nil
	}
	return status, b[pos : pos+length], pos + length, nil
}

// readAnswer reads the next answer on c: its status and body (valid until the next read).
func (c *conn) readAnswer() (int, []byte, error) {
	if c.used > 0 {
		c.buf = c.buf[:copy(c.buf, c.buf[c.used:])]
		c.used = 0
	}
	for {
		status, body, n, err := parseAnswer(c.buf)
		if err != nil {
			return 0, nil, err
		}
		if n > 0 {
			c.used = n
			return status, body, nil
		}
		if len(c.buf) == cap(c.buf) {
			c.buf = append(c.buf, make([]byte, cap(c.buf))...)[:len(c.buf)]
		}
		m, err := c.c.Read(c.buf[len(c.buf):cap(c.buf)])
		c.buf = c.buf[:len(c.buf)+m]
		if m == 0 && err != nil {
			return 0, nil, err
		}
	}
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

// answer reads the answer to request i from c and checks it. It returns only what broke the
// connection.
func (r *runner) answer(i int, c *conn) error {
	status, body, err := c.readAnswer()
	if err != nil {
		return err
	}
	r.check(i, status, body)
	return nil
}

// check counts an answer to request i: a wrong status as an error, an answer without the expected
// text as wrong.
func (r *runner) check(i int, status int, body []byte) {
	t := r.spec.Requests[i%len(r.spec.Requests)]
	want := t.Status
	if want == 0 {
		want = 200
	}
	if status != want {
		r.fail(fmt.Errorf("%s %s: %d %s", t.Method, t.Path, status, truncate(body, 200)))
	} else if t.BodyContains != "" && !bytes.Contains(body, []byte(t.BodyContains)) {
		r.wrong.Add(1)
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
