kubectl apply -f rbac.yaml
kubectl auth can-i list pods --as=system:serviceaccount:sicherheit:pod-leser
kubectl auth can-i get pods --subresource=log --as=system:serviceaccount:sicherheit:pod-leser
! kubectl auth can-i delete pods --as=system:serviceaccount:sicherheit:pod-leser
! kubectl auth can-i get secrets --as=system:serviceaccount:sicherheit:pod-leser
! kubectl auth can-i list pods -n default --as=system:serviceaccount:sicherheit:pod-leser
