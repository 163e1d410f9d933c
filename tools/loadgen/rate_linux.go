package main

import (
	"errors"
	"fmt"
	"net"
	"runtime"
	"runtime/debug"
	"syscall"
	"time"
	"unsafe"
)

// prSetTimerslack is prctl's PR_SET_TIMERSLACK (linux/prctl.h).
const prSetTimerslack = 29

// clockMonotonic is CLOCK_MONOTONIC (linux/time.h).
const clockMonotonic = 1

type itimerspec struct {
	interval syscall.Timespec
	value    syscall.Timespec
}

// lane is one keep-alive connection of a run at a rate, carrying one request at a time.
type lane struct {
	// tag is what epoll reports for its connection: its place in rateRun.lanes, plus 1.
	tag int32
	fd  int
	buf []byte
	// The request in flight on it, if busy: its index, its scheduled start (ns from the run's
	// start), the bytes of its answer received so far, and whether it was already sent again once.
	busy    bool
	req     int
	due     int64
	got     int
	retried bool
}

// rateRun is the state of one run at a rate. Everything runs on one OS thread: no lock, no
// channel, no goroutine to wake.
type rateRun struct {
	r       *runner
	ep, tfd int
	// The server's address, resolved once for every connection of the run.
	family int
	addr   syscall.Sockaddr
	lanes  []*lane
	free   []*lane
	start  time.Time
	period float64
	done   int
}

func (x *rateRun) due(i int) int64 { return int64(float64(i) * x.period) }

// atRate sends request i at start + i/Rate, open loop, from a single OS thread that waits in
// epoll(7) on the connections and on a timerfd armed (nanosecond resolution, timer slack 1 ns) for
// the next request's time: each request leaves within a few µs of its schedule, and no wake-up
// passes between threads. (Go's own timers fire with millisecond granularity here: at 10,000/s
// requests left 0.55 ms late at the median and 1.1 ms at p99, lateness that would have counted as
// the server's latency.) Against a bare Node HTTP server at 10,000/s this costs 54–60 µs of CPU a
// request, most of it in the kernel's loopback TCP (a write delivers to the peer and wakes it),
// against 62–68 µs for a sender and readers in goroutines. A request that waits for a free
// connection leaves late and its latency still counts from its scheduled start: a server that
// falls behind shows it in every later latency.
func (r *runner) atRate() float64 {
	connections := r.spec.Connections
	if connections <= 0 {
		connections = 64
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	// Nothing the run allocates is garbage before its end (latencies and samples are allocated up
	// front); no collection may pause the thread that keeps the schedule.
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	// Best effort: without it the kernel may round each wait up by its default slack (50 µs).
	_, _, _ = syscall.RawSyscall(syscall.SYS_PRCTL, prSetTimerslack, 1, 0)

	x := &rateRun{r: r, period: float64(time.Second) / r.spec.Rate}
	var err error
	if x.ep, err = syscall.EpollCreate1(syscall.EPOLL_CLOEXEC); err != nil {
		r.fail(fmt.Errorf("epoll_create1: %w", err))
		return 0
	}
	defer syscall.Close(x.ep)
	tfd, _, errno := syscall.Syscall(syscall.SYS_TIMERFD_CREATE, clockMonotonic, syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	if errno != 0 {
		r.fail(fmt.Errorf("timerfd_create: %w", errno))
		return 0
	}
	x.tfd = int(tfd)
	defer syscall.Close(x.tfd)
	// Tag 0 is the timer; tag k > 0 is lane k-1.
	if err := syscall.EpollCtl(x.ep, syscall.EPOLL_CTL_ADD, x.tfd, &syscall.EpollEvent{Events: syscall.EPOLLIN, Fd: 0}); err != nil {
		r.fail(fmt.Errorf("epoll_ctl: %w", err))
		return 0
	}
	defer func() {
		for _, l := range x.lanes {
			if l.fd >= 0 {
				syscall.Close(l.fd)
			}
		}
	}()
	if err := x.resolve(); err != nil {
		r.fail(err)
		return 0
	}
	for k := 0; k < connections; k++ {
		l := &lane{tag: int32(k + 1), fd: -1, buf: make([]byte, 0, 64<<10)}
		x.lanes = append(x.lanes, l)
		if err := x.connect(l); err != nil {
			r.fail(err)
			return 0
		}
		x.free = append(x.free, l)
	}

	total := r.spec.Total
	r.samples = make([]Sample, 0, total)
	// Requests due and not yet sent (every connection busy): backlog[head:].
	backlog, head := make([]int, 0, connections), 0
	events := make([]syscall.EpollEvent, connections+1)
	next, armed := 0, int64(-1)
	x.start = time.Now()
	for x.done < total {
		now := int64(time.Since(x.start))
		for next < total && x.due(next) <= now {
			backlog = append(backlog, next)
			next++
		}
		for head < len(backlog) && len(x.free) > 0 {
			l := x.free[len(x.free)-1]
			x.free = x.free[:len(x.free)-1]
			x.send(l, backlog[head])
			head++
		}
		if head == len(backlog) {
			backlog, head = backlog[:0], 0
		}
		if next < total && x.due(next) != armed {
			armed = x.due(next)
			wait := armed - int64(time.Since(x.start))
			if wait < 1 {
				wait = 1
			}
			spec := itimerspec{value: syscall.NsecToTimespec(wait)}
			if _, _, errno := syscall.Syscall6(syscall.SYS_TIMERFD_SETTIME, uintptr(x.tfd), 0, uintptr(unsafe.Pointer(&spec)), 0, 0, 0); errno != 0 {
				r.fail(fmt.Errorf("timerfd_settime: %w", errno))
				return time.Since(x.start).Seconds()
			}
		}
		if x.done >= total {
			break
		}
		n, err := syscall.EpollWait(x.ep, events, -1)
		if err != nil {
			if errors.Is(err, syscall.EINTR) {
				continue
			}
			r.fail(fmt.Errorf("epoll_wait: %w", err))
			return time.Since(x.start).Seconds()
		}
		for _, ev := range events[:n] {
			if ev.Fd == 0 {
				var expirations [8]byte
				_, _ = syscall.Read(x.tfd, expirations[:])
				armed = -1
				continue
			}
			x.readable(x.lanes[ev.Fd-1])
		}
	}
	return time.Since(x.start).Seconds()
}

// resolve finds the server's address for the run's connections.
func (x *rateRun) resolve() error {
	addr, err := net.ResolveTCPAddr("tcp", x.r.spec.Address)
	if err != nil {
		return err
	}
	if ip4 := addr.IP.To4(); ip4 != nil {
		x.family, x.addr = syscall.AF_INET, &syscall.SockaddrInet4{Port: addr.Port, Addr: [4]byte(ip4)}
	} else {
		x.family, x.addr = syscall.AF_INET6, &syscall.SockaddrInet6{Port: addr.Port, Addr: [16]byte(addr.IP.To16())}
	}
	return nil
}

// connect opens l's connection (TCP_NODELAY, non-blocking once connected) and watches it.
func (x *rateRun) connect(l *lane) error {
	fd, err := syscall.Socket(x.family, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("socket: %w", err)
	}
	if err := syscall.Connect(fd, x.addr); err != nil {
		syscall.Close(fd)
		return fmt.Errorf("dial %s: %w", x.r.spec.Address, err)
	}
	_ = syscall.SetsockoptInt(fd, syscall.IPPROTO_TCP, syscall.TCP_NODELAY, 1)
	if err := syscall.SetNonblock(fd, true); err != nil {
		syscall.Close(fd)
		return err
	}
	if err := syscall.EpollCtl(x.ep, syscall.EPOLL_CTL_ADD, fd, &syscall.EpollEvent{Events: syscall.EPOLLIN | syscall.EPOLLRDHUP, Fd: l.tag}); err != nil {
		syscall.Close(fd)
		return fmt.Errorf("epoll_ctl: %w", err)
	}
	l.fd = fd
	l.buf = l.buf[:0]
	return nil
}

// send writes request i on l, connecting it again first if its connection broke.
func (x *rateRun) send(l *lane, i int) {
	l.busy, l.req, l.due, l.got, l.retried = true, i, x.due(i), 0, false
	x.write(l)
}

func (x *rateRun) write(l *lane) {
	if l.fd < 0 {
		if err := x.connect(l); err != nil {
			x.finish(l, err)
			return
		}
	}
	raw := x.r.raw[l.req%len(x.r.raw)]
	// One request at a time on a connection: its few hundred bytes fit the socket's buffer whole.
	n, err := syscall.Write(l.fd, raw)
	if err == nil && n != len(raw) {
		err = fmt.Errorf("wrote %d of %d bytes", n, len(raw))
	}
	if err != nil {
		x.broken(l, err)
	}
}

// readable reads what arrived on l and, once its answer is whole, checks and counts it.
func (x *rateRun) readable(l *lane) {
	if l.fd < 0 {
		return // closed earlier in the same batch of events
	}
	if len(l.buf) == cap(l.buf) {
		l.buf = append(l.buf, make([]byte, cap(l.buf))...)[:len(l.buf)]
	}
	n, err := syscall.Read(l.fd, l.buf[len(l.buf):cap(l.buf)])
	if err != nil && (errors.Is(err, syscall.EAGAIN) || errors.Is(err, syscall.EINTR)) {
		return
	}
	if n <= 0 {
		if err == nil {
			err = errors.New("connection closed by the server")
		}
		x.broken(l, err)
		return
	}
	l.buf = l.buf[:len(l.buf)+n]
	l.got += n
	if !l.busy {
		x.broken(l, fmt.Errorf("%d bytes from the server with no request in flight", n))
		return
	}
	status, body, used, err := parseAnswer(l.buf)
	if err != nil {
		x.broken(l, err)
		return
	}
	if used == 0 {
		return
	}
	x.r.check(l.req, status, body)
	l.buf = l.buf[:copy(l.buf, l.buf[used:])]
	x.finish(l, nil)
}

// broken closes l's connection. A request in flight on it of which nothing came back is sent once
// more on a new connection (a keep-alive connection the server closed between two requests);
// otherwise it fails.
func (x *rateRun) broken(l *lane, err error) {
	if l.fd >= 0 {
		syscall.Close(l.fd)
		l.fd = -1
	}
	l.buf = l.buf[:0]
	if !l.busy {
		return
	}
	if l.got == 0 && !l.retried {
		l.retried = true
		x.write(l)
		return
	}
	x.finish(l, err)
}

// finish counts l's request (its latency from its scheduled start, an error if err) and frees l.
func (x *rateRun) finish(l *lane, err error) {
	if err != nil {
		x.r.fail(err)
	}
	ms := float64(int64(time.Since(x.start))-l.due) / 1e6
	x.r.lat = append(x.r.lat, ms)
	x.r.samples = append(x.r.samples, Sample{At: float64(l.due) / 1e6, Ms: ms})
	l.busy = false
	x.free = append(x.free, l)
	x.done++
}
