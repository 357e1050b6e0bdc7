package local

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"
)

// Server is an HTTP server listening on 127.0.0.1.
type Server struct {
	srv  *http.Server
	addr string
	errc chan error
}

// Serve serves h on 127.0.0.1:port (0 picks a free port) until Shutdown.
func Serve(h http.Handler, port int) (*Server, error) {
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return nil, fmt.Errorf("listen on 127.0.0.1:%d: %w", port, err)
	}
	s := &Server{
		srv: &http.Server{
			Handler:           h,
			ReadHeaderTimeout: 10 * time.Second,
		},
		addr: ln.Addr().String(),
		errc: make(chan error, 1),
	}
	go func() {
		err := s.srv.Serve(ln)
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		s.errc <- err
		close(s.errc)
	}()
	return s, nil
}

// URL returns "http://127.0.0.1:PORT".
func (s *Server) URL() string { return "http://" + s.addr }

// Err delivers the error that stopped the server (nil after Shutdown).
func (s *Server) Err() <-chan error { return s.errc }

// Shutdown stops accepting connections and waits for active requests
// until ctx ends.
func (s *Server) Shutdown(ctx context.Context) error {
	if err := s.srv.Shutdown(ctx); err != nil {
		_ = s.srv.Close()
		return fmt.Errorf("shut down %s: %w", s.addr, err)
	}
	return nil
}
