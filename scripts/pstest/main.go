// Command pstest runs Google's in-memory Pub/Sub server on 127.0.0.1 so that tests and local trials of
// the live mode need neither a cloud project nor the gcloud emulator (which needs Java).
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"strconv"
	"syscall"

	"cloud.google.com/go/pubsub/v2/pstest"
)

// listen starts the server; pstest panics when the address is taken, which we report as one line instead.
func listen(address string) (server *pstest.Server, err error) {
	defer func() {
		if failure := recover(); failure != nil {
			err = fmt.Errorf("%v", failure)
		}
	}()
	return pstest.NewServerWithAddress(address), nil
}

func main() {
	log.SetFlags(0)
	defaultPort, _ := strconv.Atoi(os.Getenv("PSTEST_PORT"))
	port := flag.Int("port", defaultPort, "TCP port on 127.0.0.1 (0 picks a free one; default $PSTEST_PORT)")
	flag.Parse()

	server, err := listen(fmt.Sprintf("127.0.0.1:%d", *port))
	if err != nil {
		log.Fatalf("pstest: cannot start: %v", err)
	}
	// The one line callers wait for: the server accepts connections from now on.
	fmt.Printf("pstest listening on %s\n", server.Addr)

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	<-stop
	if err := server.Close(); err != nil {
		log.Fatalf("pstest: %v", err)
	}
}
