// The NetworkPolicy part of kindnet-lite: the subset a course needs (ingress rules with
// podSelector, namespaceSelector, ipBlock and numeric TCP/UDP ports; selected pods deny
// everything else), rendered as one nftables table and applied in one transaction.
// Egress rules are not enforced (logged once). Named ports and SCTP are not either: a
// rule with only those ports allows nothing (closed rather than open).
//
// Where it filters: the forward hook of every node. Pod traffic always passes it on the
// sending node (veth → routing → veth or eth0) after kube-proxy's DNAT, so the real pod
// addresses are visible there; on the receiving node a packet from another node carries
// that node's address (the ptp plugin masquerades), which is why packets whose source is
// not a pod address are let through: their sending node has already decided. Every node
// therefore renders the rules for all pods of the cluster, not only its own.
package main

import (
	"bytes"
	"fmt"
	"log"
	"net"
	"os"
	"os/exec"
	"sort"
	"strings"
	gosync "sync"
	"time"
)

const tableName = "kindnet-lite"

// readyFile is written after the current state was applied, for tests and humans.
const readyFile = "/tmp/network-policies-applied"

type labelSelector struct {
	MatchLabels      map[string]string `json:"matchLabels"`
	MatchExpressions []struct {
		Key      string   `json:"key"`
		Operator string   `json:"operator"`
		Values   []string `json:"values"`
	} `json:"matchExpressions"`
}

// matches follows metav1.LabelSelector: an empty selector selects everything.
func (s *labelSelector) matches(labels map[string]string) bool {
	for key, value := range s.MatchLabels {
		if labels[key] != value {
			return false
		}
	}
	for _, e := range s.MatchExpressions {
		value, present := labels[e.Key]
		in := false
		for _, v := range e.Values {
			in = in || (present && v == value)
		}
		switch e.Operator {
		case "In":
			if !in {
				return false
			}
		case "NotIn":
			if in {
				return false
			}
		case "Exists":
			if !present {
				return false
			}
		case "DoesNotExist":
			if present {
				return false
			}
		default:
			return false
		}
	}
	return true
}

type objectMeta struct {
	Name      string            `json:"name"`
	Namespace string            `json:"namespace"`
	Labels    map[string]string `json:"labels"`
}

type pod struct {
	Metadata objectMeta `json:"metadata"`
	Spec     struct {
		HostNetwork bool `json:"hostNetwork"`
	} `json:"spec"`
	Status struct {
		Phase  string `json:"phase"`
		PodIPs []struct {
			IP string `json:"ip"`
		} `json:"podIPs"`
	} `json:"status"`
}

type namespace struct {
	Metadata objectMeta `json:"metadata"`
}

type policyPeer struct {
	PodSelector       *labelSelector `json:"podSelector"`
	NamespaceSelector *labelSelector `json:"namespaceSelector"`
	IPBlock           *struct {
		CIDR   string   `json:"cidr"`
		Except []string `json:"except"`
	} `json:"ipBlock"`
}

type policyPort struct {
	Protocol string `json:"protocol"`
	// An int or a named port; named ports are not supported (see the file comment).
	Port    any `json:"port"`
	EndPort int `json:"endPort"`
}

type networkPolicy struct {
	Metadata objectMeta `json:"metadata"`
	Spec     struct {
		PodSelector labelSelector `json:"podSelector"`
		PolicyTypes []string      `json:"policyTypes"`
		Ingress     []struct {
			From  []policyPeer `json:"from"`
			Ports []policyPort `json:"ports"`
		} `json:"ingress"`
		Egress []any `json:"egress"`
	} `json:"spec"`
}

// appliesTo says whether the policy restricts ingress or egress (policyTypes defaults
// to Ingress, plus Egress when egress rules are given).
func (p *networkPolicy) appliesTo(kind string) bool {
	if len(p.Spec.PolicyTypes) == 0 {
		return kind == "Ingress" || (kind == "Egress" && len(p.Spec.Egress) > 0)
	}
	for _, t := range p.Spec.PolicyTypes {
		if t == kind {
			return true
		}
	}
	return false
}

type clusterState struct {
	podCIDRs   []string
	pods       []pod
	namespaces map[string]map[string]string // name → labels
	policies   []networkPolicy
}

// ipv4s of the pods that have a network of their own (not hostNetwork, not finished).
func podIPs(p pod) []string {
	if p.Spec.HostNetwork || p.Status.Phase == "Succeeded" || p.Status.Phase == "Failed" {
		return nil
	}
	var ips []string
	for _, a := range p.Status.PodIPs {
		if ip := net.ParseIP(a.IP); ip != nil && ip.To4() != nil {
			ips = append(ips, a.IP)
		}
	}
	return ips
}

// peerMatch is the nft match for one `from` entry, "" when it matches no source.
func peerMatch(state *clusterState, policyNamespace string, peer policyPeer) string {
	if peer.IPBlock != nil {
		match := "ip saddr " + peer.IPBlock.CIDR
		if len(peer.IPBlock.Except) > 0 {
			match += " ip saddr != { " + strings.Join(peer.IPBlock.Except, ", ") + " }"
		}
		return match
	}
	var ips []string
	for _, p := range state.pods {
		if peer.NamespaceSelector == nil && p.Metadata.Namespace != policyNamespace {
			continue
		}
		if peer.NamespaceSelector != nil && !peer.NamespaceSelector.matches(state.namespaces[p.Metadata.Namespace]) {
			continue
		}
		if peer.PodSelector != nil && !peer.PodSelector.matches(p.Metadata.Labels) {
			continue
		}
		ips = append(ips, podIPs(p)...)
	}
	if len(ips) == 0 {
		return ""
	}
	return "ip saddr " + set(ips)
}

// portMatches are the nft matches for a rule's ports; nil means all ports, an empty
// non-nil slice means none that can be enforced.
func portMatches(ports []policyPort) []string {
	if len(ports) == 0 {
		return nil
	}
	matches := []string{}
	for _, p := range ports {
		protocol := strings.ToLower(p.Protocol)
		if protocol == "" {
			protocol = "tcp"
		}
		if protocol != "tcp" && protocol != "udp" {
			continue
		}
		switch port := p.Port.(type) {
		case nil:
			matches = append(matches, "meta l4proto "+protocol)
		case float64:
			if p.EndPort > int(port) {
				matches = append(matches, fmt.Sprintf("%s dport %d-%d", protocol, int(port), p.EndPort))
			} else {
				matches = append(matches, fmt.Sprintf("%s dport %d", protocol, int(port)))
			}
		}
	}
	return matches
}

func set(elements []string) string {
	sort.Strings(elements)
	return "{ " + strings.Join(elements, ", ") + " }"
}

var egressLogged gosync.Once

// render is the whole table for the state; the same state always gives the same text,
// so an unchanged state is not applied again.
func render(state *clusterState) string {
	var rules []string
	isolated := map[string]bool{}
	for _, policy := range state.policies {
		if policy.appliesTo("Egress") {
			egressLogged.Do(func() {
				log.Printf("NetworkPolicy %s/%s: Egress-Regeln setzt kindnet-lite nicht durch (nur Ingress)", policy.Metadata.Namespace, policy.Metadata.Name)
			})
		}
		if !policy.appliesTo("Ingress") {
			continue
		}
		var targets []string
		for _, p := range state.pods {
			if p.Metadata.Namespace == policy.Metadata.Namespace && policy.Spec.PodSelector.matches(p.Metadata.Labels) {
				targets = append(targets, podIPs(p)...)
			}
		}
		if len(targets) == 0 {
			continue
		}
		for _, ip := range targets {
			isolated[ip] = true
		}
		destination := "ip daddr " + set(targets)
		for _, rule := range policy.Spec.Ingress {
			// No `from`: every source; otherwise each peer is an alternative.
			sources := []string{""}
			if len(rule.From) > 0 {
				sources = nil
				for _, peer := range rule.From {
					if match := peerMatch(state, policy.Metadata.Namespace, peer); match != "" {
						sources = append(sources, match)
					}
				}
			}
			ports := portMatches(rule.Ports)
			if ports == nil {
				ports = []string{""}
			}
			for _, source := range sources {
				for _, port := range ports {
					rules = append(rules, strings.Join(nonEmpty(destination, source, port, "accept"), " "))
				}
			}
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "table inet %s {\n", tableName)
	fmt.Fprintf(&b, "  chain forward {\n    type filter hook forward priority filter; policy accept;\n")
	if len(isolated) > 0 && len(state.podCIDRs) > 0 {
		ips := make([]string, 0, len(isolated))
		for ip := range isolated {
			ips = append(ips, ip)
		}
		// Replies of allowed connections, and anything not sent by a pod (see above).
		b.WriteString("    ct state established,related accept\n")
		fmt.Fprintf(&b, "    ip saddr != %s accept\n", set(append([]string{}, state.podCIDRs...)))
		fmt.Fprintf(&b, "    ip daddr != %s accept\n", set(ips))
		for _, rule := range rules {
			fmt.Fprintf(&b, "    %s\n", rule)
		}
		// A reset or "port unreachable" makes clients fail at once instead of timing out.
		b.WriteString("    meta l4proto tcp reject with tcp reset\n")
		b.WriteString("    reject with icmpx type port-unreachable\n")
	}
	b.WriteString("  }\n}\n")
	return b.String()
}

func nonEmpty(parts ...string) []string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// apply replaces the table in one nft transaction: the first line makes sure there is
// a table to delete, so no packet ever sees half of the old or the new rules.
func apply(table string) error {
	script := fmt.Sprintf("table inet %s\ndelete table inet %s\n%s", tableName, tableName, table)
	cmd := exec.Command("nft", "-f", "-")
	cmd.Stdin = strings.NewReader(script)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("nft: %v: %s", err, bytes.TrimSpace(out))
	}
	return nil
}

func (a *apiClient) clusterState() (*clusterState, error) {
	state := &clusterState{namespaces: map[string]map[string]string{}}
	var nodes struct{ Items []node }
	var pods struct{ Items []pod }
	var namespaces struct{ Items []namespace }
	var policies struct{ Items []networkPolicy }
	for path, out := range map[string]any{
		"/api/v1/nodes":      &nodes,
		"/api/v1/pods":       &pods,
		"/api/v1/namespaces": &namespaces,
		"/apis/networking.k8s.io/v1/networkpolicies": &policies,
	} {
		if err := a.getJSON(path, out); err != nil {
			return nil, err
		}
	}
	for _, n := range nodes.Items {
		for _, cidr := range n.Spec.PodCIDRs {
			if ip, _, err := net.ParseCIDR(cidr); err == nil && ip.To4() != nil {
				state.podCIDRs = append(state.podCIDRs, cidr)
			}
		}
	}
	state.pods = pods.Items
	for _, ns := range namespaces.Items {
		state.namespaces[ns.Metadata.Name] = ns.Metadata.Labels
	}
	state.policies = policies.Items
	return state, nil
}

// enforcePolicies re-renders the table whenever a watched object changes (and every
// 30 s as a safety net), applying it only when the text changed.
func enforcePolicies(api *apiClient) {
	changed := make(chan struct{}, 1)
	for _, path := range []string{"/api/v1/pods", "/api/v1/namespaces", "/apis/networking.k8s.io/v1/networkpolicies"} {
		go api.watchChanges(path, changed)
	}
	applied := ""
	for {
		state, err := api.clusterState()
		if err == nil {
			table := render(state)
			if table != applied {
				if err = apply(table); err == nil {
					applied = table
					_ = os.WriteFile(readyFile, []byte(table), 0o644)
					log.Printf("NetworkPolicies angewendet: %d Policies, %d Pods", len(state.policies), len(state.pods))
				}
			}
		}
		if err != nil {
			log.Printf("NetworkPolicies: %v", err)
		}
		wait := 30 * time.Second
		if err != nil {
			wait = 2 * time.Second
		}
		select {
		case <-changed:
		case <-time.After(wait):
		}
	}
}
