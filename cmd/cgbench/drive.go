package main

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"
)

// doFunc performs one request of a workload (client c, its i-th request)
// and returns the number of response bytes.
type doFunc func(ctx context.Context, c, i int) (int, error)

// stats summarises one measured run.
type stats struct {
	Requests int
	Elapsed  time.Duration
	Bytes    int64
	lat      []time.Duration // sorted
}

func (s stats) rps() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.Requests) / s.Elapsed.Seconds()
}

func (s stats) meanBytes() float64 {
	if s.Requests == 0 {
		return 0
	}
	return float64(s.Bytes) / float64(s.Requests)
}

// pct returns the p-th percentile latency in milliseconds (nearest rank).
func (s stats) pct(p float64) float64 {
	if len(s.lat) == 0 {
		return 0
	}
	k := int(p/100*float64(len(s.lat))+0.5) - 1
	k = max(0, min(k, len(s.lat)-1))
	return float64(s.lat[k].Microseconds()) / 1000
}

// limits bound every run: it stops at the duration or after maxRequests,
// whichever comes first.
type limits struct {
	clients     int
	duration    time.Duration
	warmup      time.Duration
	maxRequests int
}

// measure warms up, then runs do from l.clients goroutines at once until
// the duration or the request budget is spent. The first error stops it.
func measure(ctx context.Context, l limits, do doFunc) (stats, error) {
	if l.warmup > 0 {
		if _, err := drive(ctx, limits{clients: l.clients, duration: l.warmup, maxRequests: l.maxRequests}, do); err != nil {
			return stats{}, err
		}
	}
	return drive(ctx, l, do)
}

func drive(ctx context.Context, l limits, do doFunc) (stats, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	perClient := max(1, l.maxRequests/l.clients)
	lat := make([][]time.Duration, l.clients)
	bytes := make([]int64, l.clients)
	errs := make([]error, l.clients)
	start := time.Now()
	deadline := start.Add(l.duration)
	var wg sync.WaitGroup
	for c := range l.clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < perClient && ctx.Err() == nil && time.Now().Before(deadline); i++ {
				t := time.Now()
				n, err := do(ctx, c, i)
				if err != nil {
					errs[c] = fmt.Errorf("client %d request %d: %w", c, i, err)
					cancel()
					return
				}
				lat[c] = append(lat[c], time.Since(t))
				bytes[c] += int64(n)
			}
		}()
	}
	wg.Wait()
	s := stats{Elapsed: time.Since(start)}
	for c := range l.clients {
		if errs[c] != nil {
			return s, errs[c]
		}
		s.lat = append(s.lat, lat[c]...)
		s.Bytes += bytes[c]
	}
	s.Requests = len(s.lat)
	slices.Sort(s.lat)
	return s, ctx.Err()
}
