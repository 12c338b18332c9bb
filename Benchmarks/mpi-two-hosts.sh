#!/usr/bin/env bash
# Two "hosts" on one machine: data-parallel training across two network namespaces
# joined by a veth pair, over TCP (run by hand as root, not CI).
#
#   Benchmarks/mpi-two-hosts.sh [steps]      (default 50 steps of batch 128)
#
# Makes the namespaces cbam-mpi-a (10.99.0.1) and cbam-mpi-b (10.99.0.2) — private
# addresses that exist only inside them — and removes them on exit. mpirun runs in
# cbam-mpi-a; it starts its daemon on "host" 10.99.0.2 through a launcher that runs
# `ip netns exec cbam-mpi-b` where a cluster would run ssh (--mca plm_rsh_agent).
# MPI traffic is TCP over the veth pair only (btl tcp,self; pml ob1). Each rank gets
# one thread, one core each (each "host" thinks it has the machine's cores to itself,
# so mpirun's binding would put both on core 0). Prints the training images/s and
# rank 0's allreduce share. Environment: DATA, CBAM, MODEL as for Benchmarks/mpi.sh.
set -eu
cd "$(dirname "$0")/.."

STEPS="${1:-50}"
export DATA="${DATA:-Datasets/fashion-mnist}"
CBAM="${CBAM:-.build/release/cbam}"
MODEL="${MODEL:-cbam}"
export OMP_WAIT_POLICY=PASSIVE
[ "$(id -u)" -eq 0 ] || { echo "making network namespaces needs root" >&2; exit 1; }
[ -x "$CBAM" ] || { echo "$CBAM is not built: swift build -c release" >&2; exit 1; }
CBAM="$(realpath "$CBAM")"

TMP="$(mktemp -d)"
cleanup() {
    ip netns delete cbam-mpi-a 2>/dev/null || true   # deleting a namespace deletes its end of the veth pair, and so both
    ip netns delete cbam-mpi-b 2>/dev/null || true
    rm -rf "$TMP"
}
trap cleanup EXIT
cleanup; mkdir -p "$TMP"
ip netns add cbam-mpi-a
ip netns add cbam-mpi-b
ip link add cbam-va netns cbam-mpi-a type veth peer name cbam-vb netns cbam-mpi-b
ip -n cbam-mpi-a addr add 10.99.0.1/24 dev cbam-va
ip -n cbam-mpi-b addr add 10.99.0.2/24 dev cbam-vb
for ns in cbam-mpi-a cbam-mpi-b; do ip -n "$ns" link set lo up; done
ip -n cbam-mpi-a link set cbam-va up
ip -n cbam-mpi-b link set cbam-vb up

# mpirun's "ssh": the host, then the command to run there.
cat > "$TMP/netns-launcher" <<'LAUNCHER'
#!/bin/sh
[ "$1" = 10.99.0.2 ] || { echo "no such host: $1" >&2; exit 1; }
shift
exec ip netns exec cbam-mpi-b /bin/sh -c "$*"
LAUNCHER
chmod +x "$TMP/netns-launcher"

Benchmarks/fashion-mnist-subset.sh "$STEPS" "$TMP/data"
echo "2 ranks on 2 \"hosts\" (namespaces), TCP over veth …" >&2
ip netns exec cbam-mpi-a mpirun --allow-run-as-root -np 2 -H 10.99.0.1:1,10.99.0.2:1 \
    --mca plm_rsh_agent "$TMP/netns-launcher" \
    --mca pml ob1 --mca btl tcp,self --mca btl_tcp_if_include 10.99.0.0/24 --mca oob_tcp_if_include 10.99.0.0/24 \
    --bind-to none -x OMP_NUM_THREADS=1 -x OMP_WAIT_POLICY \
    "$CBAM" train "$TMP/data" --model "$MODEL" --image-size 28 --epochs 1 --val-split 0 --force \
    --out "$TMP/two.safetensors" 2> "$TMP/two.log" >/dev/null || { cat "$TMP/two.log" >&2; exit 1; }

echo "CBAM on Fashion-MNIST, $STEPS steps of batch 128, 2 ranks × 1 thread on two namespaces over TCP:"
echo "  $(grep -o '[0-9.]* img/s' "$TMP/two.log" | tail -1)"
echo "  $(grep -h '^allreduce:' "$TMP/two.log")"
