/**
 * The health probe that HTTP and TCP health checks run in images without a shell or curl: a static
 * binary from Go's standard library (syscall only, no net/http: about 1.4 MB), compiled in the
 * Dockerfile's `healthprobe` stage from the source below.
 *
 *   healthprobe tcp <port>          connects to 127.0.0.1:<port>
 *   healthprobe http <port> <path>  GETs <path> there; 2xx or 3xx is healthy
 *
 * Exit 0 is healthy, 1 is not (with the reason on stderr, which Docker keeps in the health log).
 * The source has no single quote: the Dockerfile writes it with printf '%s\n' '<line>' ...
 */

/** The Dockerfile stage (and the directory in it) that builds the probe. */
export const HEALTH_PROBE_STAGE = 'healthprobe';

/** The probe's Go source, one element per line. */
export const HEALTH_PROBE_SOURCE: readonly string[] = [
  '// healthprobe: the health check of images without a shell. Written by projen-go-service.',
  'package main',
  '',
  'import (',
  '\t"os"',
  '\t"syscall"',
  ')',
  '',
  'func fail(msg string) {',
  '\tos.Stderr.WriteString("healthprobe: " + msg + "\\n")',
  '\tos.Exit(1)',
  '}',
  '',
  'func main() {',
  '\tif len(os.Args) < 3 || (os.Args[1] != "tcp" && os.Args[1] != "http") {',
  '\t\tfail("usage: healthprobe tcp PORT | healthprobe http PORT PATH")',
  '\t}',
  '\tport := 0',
  '\tfor _, c := range os.Args[2] {',
  '\t\tif c < 48 || c > 57 || port > 65535 {',
  '\t\t\tfail("not a port: " + os.Args[2])',
  '\t\t}',
  '\t\tport = port*10 + int(c-48)',
  '\t}',
  '\tfd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)',
  '\tif err != nil {',
  '\t\tfail(err.Error())',
  '\t}',
  '\ttv := syscall.Timeval{Sec: 2}',
  '\t_ = syscall.SetsockoptTimeval(fd, syscall.SOL_SOCKET, syscall.SO_RCVTIMEO, &tv)',
  '\t_ = syscall.SetsockoptTimeval(fd, syscall.SOL_SOCKET, syscall.SO_SNDTIMEO, &tv)',
  '\tif err := syscall.Connect(fd, &syscall.SockaddrInet4{Port: port, Addr: [4]byte{127, 0, 0, 1}}); err != nil {',
  '\t\tfail("127.0.0.1:" + os.Args[2] + ": " + err.Error())',
  '\t}',
  '\tif os.Args[1] == "tcp" {',
  '\t\treturn',
  '\t}',
  '\tpath := "/"',
  '\tif len(os.Args) > 3 {',
  '\t\tpath = os.Args[3]',
  '\t}',
  '\treq := "GET " + path + " HTTP/1.0\\r\\nHost: 127.0.0.1:" + os.Args[2] + "\\r\\nUser-Agent: healthprobe\\r\\n\\r\\n"',
  '\tif _, err := syscall.Write(fd, []byte(req)); err != nil {',
  '\t\tfail(err.Error())',
  '\t}',
  '\tbuf := make([]byte, 64)',
  '\tn := 0',
  '\tfor n < 12 {',
  '\t\tm, err := syscall.Read(fd, buf[n:])',
  '\t\tif err != nil || m <= 0 {',
  '\t\t\tfail("no HTTP answer from 127.0.0.1:" + os.Args[2] + path)',
  '\t\t}',
  '\t\tn += m',
  '\t}',
  '\tif string(buf[:5]) != "HTTP/" || (buf[9] != 50 && buf[9] != 51) {',
  '\t\tfail("GET " + path + ": " + string(buf[:n]))',
  '\t}',
  '}',
];
