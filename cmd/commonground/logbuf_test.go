package main

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the flusher goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Info lines wait at most logFlushEvery; warnings go out at once; Close
// writes out the rest.
func TestLogWriter(t *testing.T) {
	out := new(syncBuffer)
	lw := newLogWriter(out)
	log := slog.New(flushHandler{slog.NewJSONHandler(lw, nil), lw}).With("k", "v")
	log.Info("request one")
	if strings.Contains(out.String(), "request one") {
		t.Log("flushed early (the ticker fired): fine")
	}
	log.Warn("trouble")
	if !strings.Contains(out.String(), "trouble") || !strings.Contains(out.String(), "request one") {
		t.Fatalf("after a warning: %q", out.String())
	}
	log.Info("request two")
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(out.String(), "request two") {
		if time.Now().After(deadline) {
			t.Fatal("an info line was never flushed")
		}
		time.Sleep(10 * time.Millisecond)
	}
	log.Log(context.Background(), slog.LevelInfo, "last words")
	lw.Close()
	if !strings.Contains(out.String(), "last words") {
		t.Fatalf("Close lost a line: %q", out.String())
	}
}
