// What the cluster panel says about a learner's cluster, in German, in one place: the
// manager decides the phase, this module words it (and the next step for the learner).

export function deletingText(): string {
  return 'Dein Cluster wird gelöscht …';
}

export function readyText(clusterName: string): string {
  return `Dein Cluster „${clusterName}“ ist bereit. Im Terminal gilt KUBECONFIG ab dem nächsten Prompt; probiere „kubectl get nodes“.`;
}

export function creatingText(estimateSeconds: number, sandboxed: boolean): string {
  return sandboxed
    ? `Deine Sandbox mit eigenem Cluster wird erstellt, das dauert etwa ${estimateSeconds} Sekunden. Das Terminal öffnet sich, sobald die Sandbox läuft; der Cluster kommt dann dazu.`
    : `Dein Cluster wird erstellt, das dauert etwa ${estimateSeconds} Sekunden. Das Terminal kannst du schon benutzen.`;
}

export function queuedText(position: number, machineFull: boolean, maxClusters: number): string {
  return machineFull
    ? `Alle ${maxClusters} Cluster-Plätze dieses Rechners sind belegt. Du bist auf Platz ${position} der Warteschlange; sobald ein Platz frei wird, geht es von selbst weiter.`
    : `Gerade entstehen andere Cluster. Du bist auf Platz ${position} der Warteschlange; es geht von selbst weiter.`;
}

export function noneText(): string {
  return 'Du hast noch keinen Cluster. Starte ihn mit „Cluster starten“.';
}
