import { defineLab, type CheckRef } from '../define.ts';

// psql prints the orders as one line; the check asks the database, not an object.
const orders: CheckRef = {
  check: 'command-output',
  params: {
    pod: 'postgres-0',
    command: ['psql', '-U', 'app', '-d', 'shop', '-tAc', "SELECT string_agg(artikel || ':' || menge, ',' ORDER BY id) FROM bestellungen"],
    expect: 'Hammer:2,Säge:1,Zange:4',
    shows: 'die drei Bestellungen in der Tabelle ‚bestellungen‘',
  },
};

export default defineLab({
  id: 'wiederherstellung',
  title: 'Sicherung zurückspielen, Volume wieder anbinden',
  lesson: 'wiederherstellung',
  // A cluster of its own: namespaces and PersistentVolumes (`kubectl patch pv`, cluster-scoped).
  needs: 'cluster',
  namespace: 'wiederherstellung',
  files: ['files/datenbank.yaml'],
  steps: [
    {
      id: 'sicherung',
      title: 'Datenbank starten und sichern',
      checks: [{ check: 'statefulset-ready', params: { name: 'postgres', replicas: 1 } }, orders],
      hint: 'kubectl create namespace wiederherstellung, als Standard setzen, kubectl apply -f datenbank.yaml, dann kubectl exec postgres-0 -- pg_dump -U app -d shop > shop.sql.',
      solution: 'solutions/sicherung.sh',
    },
    {
      id: 'unfall',
      title: 'Der Unfall: eine Tabelle ist weg',
      checks: [
        {
          check: 'command-output',
          params: {
            pod: 'postgres-0',
            command: ['psql', '-U', 'app', '-d', 'shop', '-tAc', "SELECT coalesce(to_regclass('bestellungen')::text, 'gelöscht')"],
            expect: 'gelöscht',
            shows: 'dass die Tabelle ‚bestellungen‘ fehlt',
          },
        },
      ],
      hint: 'kubectl exec postgres-0 -- psql -U app -d shop -c "DROP TABLE bestellungen;" – aber nur, wenn shop.sql die Bestellungen enthält.',
      solution: 'solutions/unfall.sh',
    },
    {
      id: 'zurueckspielen',
      title: 'Die Sicherung zurückspielen',
      checks: [orders],
      hint: 'kubectl exec -i postgres-0 -- psql -U app -d shop < shop.sql (ohne -i kommt die Datei nicht im Container an).',
      solution: 'solutions/zurueckspielen.sh',
    },
    {
      id: 'retain',
      title: 'Das Volume behalten',
      checks: [{ check: 'pvc-bound', params: { name: 'daten-postgres-0', reclaimPolicy: 'Retain' } }],
      hint: 'kubectl get pvc daten-postgres-0 nennt das Volume; kubectl patch pv <name> -p \'{"spec":{"persistentVolumeReclaimPolicy":"Retain"}}\'.',
      solution: 'solutions/retain.sh',
    },
    {
      id: 'neuer-namespace',
      title: 'Nach dem Verlust des Namespaces wieder anbinden',
      checks: [{ check: 'pvc-rebound', params: { name: 'daten-postgres-0' } }, { check: 'statefulset-ready', params: { name: 'postgres', replicas: 1 } }, orders],
      hint: 'Merk dir den PV-Namen, lösch den Namespace, entferne am PV spec.claimRef (kubectl patch pv <name> --type=json -p \'[{"op":"remove","path":"/spec/claimRef"}]\'), leg Namespace und den PVC daten-postgres-0 mit spec.volumeName: <name> an, dann kubectl apply -f datenbank.yaml.',
      solution: 'solutions/neuer-namespace.sh',
    },
  ],
});
