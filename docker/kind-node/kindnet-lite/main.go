// kindnet-lite does the part of kind's kindnetd that a kind cluster needs to give pods a
// network: it writes the node's CNI configuration (ptp + host-local for the node's pod
// CIDRs, portmap) and routes other nodes' pod CIDRs to those nodes. kindnetd's own
// source is not served by the Go module proxy these machines reach, so Werkbank's node
// image ships this instead. Masquerading of pod traffic leaving the cluster is left to
// the ptp plugin (ipMasq). It enforces the ingress part of NetworkPolicies (policy.go).
//
// Standard library only: it talks to the API server over HTTPS with the pod's service
// account and runs `ip route` for the routes and `nft` for the policies.
package main

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

const (
	serviceAccount = "/var/run/secrets/kubernetes.io/serviceaccount"
	cniConfigPath  = "/etc/cni/net.d/10-kindnet.conflist"
)

type node struct {
	Metadata struct {
		Name string `json:"name"`
	} `json:"metadata"`
	Spec struct {
		PodCIDRs []string `json:"podCIDRs"`
	} `json:"spec"`
	Status struct {
		Addresses []struct {
			Type    string `json:"type"`
			Address string `json:"address"`
		} `json:"addresses"`
	} `json:"status"`
}

type apiClient struct {
	base   string
	client *http.Client
}

func newAPIClient() (*apiClient, error) {
	// kind adds CONTROL_PLANE_ENDPOINT (host:port) to the manifest, so the API server is
	// reachable before kube-proxy has programmed the kubernetes Service.
	endpoint := os.Getenv("CONTROL_PLANE_ENDPOINT")
	if endpoint == "" {
		host, port := os.Getenv("KUBERNETES_SERVICE_HOST"), os.Getenv("KUBERNETES_SERVICE_PORT")
		if host == "" || port == "" {
			return nil, errors.New("weder CONTROL_PLANE_ENDPOINT noch KUBERNETES_SERVICE_HOST gesetzt")
		}
		endpoint = net.JoinHostPort(host, port)
	}
	ca, err := os.ReadFile(filepath.Join(serviceAccount, "ca.crt"))
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(ca) {
		return nil, errors.New("ca.crt enthält kein Zertifikat")
	}
	return &apiClient{
		base: "https://" + endpoint,
		client: &http.Client{
			Timeout:   10 * time.Second,
			Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}},
		},
	}, nil
}

func (a *apiClient) get(client *http.Client, path string) (*http.Response, error) {
	// The token is read for every request: the kubelet rotates it.
	token, err := os.ReadFile(filepath.Join(serviceAccount, "token"))
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequest(http.MethodGet, a.base+path, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(string(token)))
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, fmt.Errorf("GET %s: %s", path, resp.Status)
	}
	return resp, nil
}

func (a *apiClient) getJSON(path string, out any) error {
	resp, err := a.get(a.client, path)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return json.NewDecoder(resp.Body).Decode(out)
}

// watchChanges signals `changed` for every event of a watch on path, reconnecting when
// the watch ends. A watch without resourceVersion starts with the current objects, so
// a reconnect signals too and nothing that changed in between is missed.
func (a *apiClient) watchChanges(path string, changed chan<- struct{}) {
	// No overall timeout: a watch stays open; the server ends it after timeoutSeconds.
	watcher := &http.Client{Transport: a.client.Transport}
	for {
		resp, err := a.get(watcher, path+"?watch=1&timeoutSeconds=300")
		if err == nil {
			decoder := json.NewDecoder(resp.Body)
			for {
				var event struct{ Type string }
				if decoder.Decode(&event) != nil {
					break
				}
				select {
				case changed <- struct{}{}:
				default:
				}
			}
			resp.Body.Close()
		} else {
			log.Printf("Watch %s: %v", path, err)
		}
		time.Sleep(time.Second)
	}
}

func (a *apiClient) nodes() ([]node, error) {
	var list struct {
		Items []node `json:"items"`
	}
	if err := a.getJSON("/api/v1/nodes", &list); err != nil {
		return nil, err
	}
	return list.Items, nil
}

// cniConfig is the configuration kindnetd writes, for the given pod CIDRs.
func cniConfig(podCIDRs []string) ([]byte, error) {
	ranges := make([][]map[string]string, 0, len(podCIDRs))
	routes := []map[string]string{}
	for _, cidr := range podCIDRs {
		ip, _, err := net.ParseCIDR(cidr)
		if err != nil {
			return nil, err
		}
		ranges = append(ranges, []map[string]string{{"subnet": cidr}})
		if ip.To4() != nil {
			routes = append(routes, map[string]string{"dst": "0.0.0.0/0"})
		} else {
			routes = append(routes, map[string]string{"dst": "::/0"})
		}
	}
	config := map[string]any{
		"cniVersion": "0.4.0",
		"name":       "kindnet",
		"plugins": []any{
			map[string]any{
				"type":   "ptp",
				"ipMasq": true,
				"mtu":    mtu(),
				"ipam": map[string]any{
					"type":    "host-local",
					"dataDir": "/run/cni-ipam-state",
					"routes":  routes,
					"ranges":  ranges,
				},
			},
			map[string]any{"type": "portmap", "capabilities": map[string]bool{"portMappings": true}},
		},
	}
	return json.MarshalIndent(config, "", "  ")
}

// mtu is the MTU of the node's default interface, so pods do not send larger packets
// than the node can (kindnetd does the same).
func mtu() int {
	iface, err := net.InterfaceByName("eth0")
	if err != nil || iface.MTU == 0 {
		return 1500
	}
	return iface.MTU
}

// writeIfChanged replaces the file atomically, so the runtime never reads half of it.
func writeIfChanged(path string, content []byte) (bool, error) {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, content) {
		return false, nil
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, content, 0o644); err != nil {
		return false, err
	}
	return true, os.Rename(tmp, path)
}

func internalIP(n node, ipv4 bool) string {
	for _, address := range n.Status.Addresses {
		ip := net.ParseIP(address.Address)
		if address.Type == "InternalIP" && ip != nil && (ip.To4() != nil) == ipv4 {
			return address.Address
		}
	}
	return ""
}

// syncRoutes sends each other node's pod CIDRs to that node.
func syncRoutes(self string, nodes []node) {
	for _, n := range nodes {
		if n.Metadata.Name == self {
			continue
		}
		for _, cidr := range n.Spec.PodCIDRs {
			ip, _, err := net.ParseCIDR(cidr)
			if err != nil {
				continue
			}
			via := internalIP(n, ip.To4() != nil)
			if via == "" {
				continue
			}
			if out, err := exec.Command("ip", "route", "replace", cidr, "via", via).CombinedOutput(); err != nil {
				log.Printf("Route %s über %s: %v: %s", cidr, via, err, out)
			}
		}
	}
}

func sync(api *apiClient, self string) (ready bool, err error) {
	nodes, err := api.nodes()
	if err != nil {
		return false, err
	}
	for _, n := range nodes {
		if n.Metadata.Name != self {
			continue
		}
		if len(n.Spec.PodCIDRs) == 0 {
			return false, fmt.Errorf("Knoten %s hat noch keine Pod-CIDRs", self)
		}
		config, err := cniConfig(n.Spec.PodCIDRs)
		if err != nil {
			return false, err
		}
		changed, err := writeIfChanged(cniConfigPath, config)
		if err != nil {
			return false, err
		}
		if changed {
			log.Printf("CNI-Konfiguration geschrieben: %s für %s", cniConfigPath, strings.Join(n.Spec.PodCIDRs, ", "))
		}
		syncRoutes(self, nodes)
		return true, nil
	}
	return false, fmt.Errorf("Knoten %s nicht gefunden", self)
}

func main() {
	log.SetFlags(log.LstdFlags)
	self := os.Getenv("NODE_NAME")
	if self == "" {
		self, _ = os.Hostname()
	}
	api, err := newAPIClient()
	if err != nil {
		log.Fatalf("API-Zugang: %v", err)
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	go enforcePolicies(api)
	// Fast until the node has its network, then a slow resync for nodes that join later.
	interval := time.Second
	for {
		ready, err := sync(api, self)
		if err != nil {
			log.Print(err)
		}
		if ready {
			interval = 10 * time.Second
		}
		select {
		case <-stop:
			return
		case <-time.After(interval):
		}
	}
}
