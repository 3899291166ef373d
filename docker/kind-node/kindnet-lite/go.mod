module werkbank.local/kind-node/kindnet-lite

go 1.24.0
