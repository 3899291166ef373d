# Der Tunnel zur Registry läuft im Hintergrund, solange dieses Skript läuft.
kubectl port-forward statefulset/registry 5000:5000 >/dev/null &
tunnel=$!
trap 'kill $tunnel 2>/dev/null || true' EXIT
# Warten, bis die Registry durch den Tunnel antwortet (401: sie will eine Anmeldung);
# bis der Tunnel steht, scheitert schon der Verbindungsaufbau.
curl -s -o /dev/null -w 'Registry antwortet: %{http_code}\n' --retry 120 --retry-all-errors --retry-delay 1 http://localhost:5000/v2/
echo geheim123 | docker login localhost:5000 --username lernende --password-stdin
docker tag werkbank/demo-app:1 localhost:5000/shop:1.0
docker push localhost:5000/shop:1.0
