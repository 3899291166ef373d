#!/bin/sh
# Zeigt, mit welchen Gewichten Traefik die Services im Namespace gewichte gerade
# verteilt, z. B. „web-v1=90 web-v2=10“. Die Zahlen stammen aus Traefiks eigener API
# (Port „admin“ seines Services), erreicht über den API-Server: Das ist die
# Konfiguration, die Traefik jetzt anwendet, nicht nur die, die in der HTTPRoute steht.
kubectl get --raw /api/v1/namespaces/traefik/services/traefik:admin/proxy/api/http/services |
  grep -o '"name":"gewichte-[^"]*","weight":[0-9]*' |
  sed 's/"name":"gewichte-\(.*\)-http-[0-9]*","weight":\([0-9]*\)/\1=\2/' |
  sort | paste -sd ' ' -
