#!/usr/bin/env python3
"""Check the objects `kubectl kustomize` rendered from deploy/kubernetes.

Usage: rendered.py TCPLB_BINARY RENDERED.yaml...

For every Deployment in each file:
  - every probe's port (httpGet, tcpSocket, grpc, or an exec of `--probe ADDR:PORT`) is a declared
    container port;
  - the security context (pod and container settings merged, the container's winning): uid 65532,
    runAsNonRoot, readOnlyRootFilesystem, no privilege escalation, all capabilities dropped, seccomp
    RuntimeDefault;
and for each tcplb container (image named tcplb):
  - terminationGracePeriodSeconds exceeds the preStop sleep plus --drain, and the liveness probe cannot
    fail for good within --drain (the port is closed then);
  - the hosts file from its ConfigMap, with the container's args and TCPLB_* environment, passes
    `tcplb ... --validate` (the real binary);
  - the memory limit covers 6 MiB + 2 MiB per further worker + max-conns x (2 x buffer-size + 3 KiB);
  - no Service exposes its admin port; the Prometheus annotation names it;
  - a PodDisruptionBudget and a HorizontalPodAutoscaler refer to its pods and Deployment.
Prints one line per check; exits 1 when any failed.
"""
import os
import re
import subprocess
import sys
import tempfile

import yaml

DEFAULTS = {"--drain": "30s", "--max-conns": "10000", "--buffer-size": "65536", "--workers": "1", "--hosts": "./hosts"}
failures = 0


def check(ok, what):
    global failures
    print(f"  {'ok' if ok else 'FAIL'}: {what}")
    failures += not ok


def seconds(duration):
    m = re.fullmatch(r"(\d+)(ms|s|m|h)", duration)
    if not m:
        raise ValueError(f"not a duration: {duration}")
    return int(m.group(1)) * {"ms": 0.001, "s": 1, "m": 60, "h": 3600}[m.group(2)]


def mebibytes(quantity):
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(Ki|Mi|Gi|k|M|G)?", str(quantity))
    factor = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "k": 1e3, "M": 1e6, "G": 1e9, None: 1}[m.group(2)]
    return float(m.group(1)) * factor / 2**20


def tcplb_args(container):
    """The arguments after /tcplb: the image's entrypoint, unless the container replaces it."""
    command = container.get("command") or ["/tcplb"]
    return [str(a) for a in command[1:] + container.get("args", [])]


def option(container, flag):
    """A tcplb option as the binary sees it: the flag, else its environment variable, else the default."""
    args = tcplb_args(container)
    if flag in args:
        return args[args.index(flag) + 1]
    env = "TCPLB_" + flag[2:].replace("-", "_").upper()
    for var in container.get("env", []):
        if var["name"] == env and "value" in var:
            return var["value"]
    return DEFAULTS.get(flag)


def declared(container, port):
    ports = container.get("ports", [])
    return any(port in (p.get("name"), p["containerPort"]) for p in ports)


def probe_ports(container):
    for kind in ("readinessProbe", "livenessProbe", "startupProbe"):
        probe = container.get(kind)
        if not probe:
            continue
        for action in ("httpGet", "tcpSocket", "grpc"):
            if action in probe:
                yield kind, probe[action]["port"]
        command = probe.get("exec", {}).get("command", [])
        if "--probe" in command:
            yield kind, int(command[command.index("--probe") + 1].rsplit(":", 1)[1])


def check_security(pod, container):
    merged = {**pod.get("securityContext", {}), **container.get("securityContext", {})}
    name = container["name"]
    check(merged.get("runAsUser") == 65532 and merged.get("runAsNonRoot") is True,
          f"{name}: runs as uid 65532, runAsNonRoot")
    check(merged.get("readOnlyRootFilesystem") is True, f"{name}: read-only root file system")
    check(merged.get("allowPrivilegeEscalation") is False, f"{name}: no privilege escalation")
    check("ALL" in merged.get("capabilities", {}).get("drop", []), f"{name}: all capabilities dropped")
    check(merged.get("seccompProfile", {}).get("type") == "RuntimeDefault", f"{name}: seccomp RuntimeDefault")


def hosts_text(objects, pod, container, path):
    """The content the container sees at PATH, from a ConfigMap volume mounted on its folder."""
    folder, file = os.path.split(path)
    for mount in container.get("volumeMounts", []):
        if mount["mountPath"] == path and "subPath" in mount:
            raise LookupError(f"{path} is a subPath mount, which never sees an update")
        if mount["mountPath"].rstrip("/") != folder:
            continue
        volume = next(v for v in pod.get("volumes", []) if v["name"] == mount["name"])
        name = volume["configMap"]["name"]
        key = next((i["key"] for i in volume["configMap"].get("items", []) if i["path"] == file), file)
        config = next(o for o in objects if o["kind"] == "ConfigMap" and o["metadata"]["name"] == name)
        return config["data"][key]
    raise LookupError(f"no ConfigMap volume is mounted on {folder}")


def validate(binary, objects, pod, container):
    args = tcplb_args(container)
    path = option(container, "--hosts")
    if not path.startswith("/"):
        path = os.path.join(container.get("workingDir", "/etc/tcplb"), path)
    try:
        text = hosts_text(objects, pod, container, path)
    except (LookupError, StopIteration) as e:
        check(False, f"hosts file: {e}")
        return
    env = {k: v for k, v in os.environ.items() if not k.startswith("TCPLB_")}
    env.update({v["name"]: v["value"] for v in container.get("env", []) if v["name"].startswith("TCPLB_") and "value" in v})
    with tempfile.TemporaryDirectory() as folder:
        local = os.path.join(folder, "hosts")
        with open(local, "w", encoding="utf-8") as f:
            f.write(text)
        if "--hosts" in args:
            args[args.index("--hosts") + 1] = local
        else:
            env["TCPLB_HOSTS"] = local
        run = subprocess.run([binary, *args, "--validate"], env=env, capture_output=True, text=True, timeout=30)
    out = run.stdout.splitlines()
    good = run.returncode == 0 and bool(out) and out[0].startswith("tcplb: configuration ok")
    check(good, f"hosts file and args pass --validate (exit {run.returncode})")
    for line in out + [f"(stderr) {line}" for line in run.stderr.splitlines()]:
        print(f"      {line}")


def check_tcplb(binary, objects, deployment, pod, container):
    name = container["name"]
    grace = pod.get("terminationGracePeriodSeconds", 30)
    pre_stop = container.get("lifecycle", {}).get("preStop", {}).get("sleep", {}).get("seconds", 0)
    drain = seconds(option(container, "--drain"))
    check(grace > pre_stop + drain, f"{name}: grace period {grace} s > preStop {pre_stop} s + drain {drain:g} s")
    live = container.get("livenessProbe")
    if live:
        span = (live.get("failureThreshold", 3) - 1) * live.get("periodSeconds", 10)
        check(span >= drain, f"{name}: liveness failures span {span} s >= drain {drain:g} s (the port is closed meanwhile)")

    conns, buffer = int(option(container, "--max-conns")), int(option(container, "--buffer-size"))
    workers = int(option(container, "--workers"))
    needed = 6 + 2 * (workers - 1) + conns * (2 * buffer + 3 * 1024) / 2**20
    limit = container.get("resources", {}).get("limits", {}).get("memory")
    check(limit is not None and mebibytes(limit) >= needed,
          f"{name}: memory limit {limit} >= 6 MiB + 2 MiB x {workers - 1} + {conns} x (2 x {buffer} B + 3 KiB) = {needed:.0f} MiB")
    check("cpu" in container.get("resources", {}).get("requests", {}), f"{name}: a CPU request (the autoscaler's base)")

    admin = option(container, "--admin")
    admin_port = int(admin.rsplit(":", 1)[1]) if admin else None
    annotations = pod.get("metadata", {}).get("annotations", {})
    check(admin_port is not None and annotations.get("prometheus.io/port") == str(admin_port)
          and declared(container, admin_port), f"{name}: Prometheus scrapes the admin port {admin_port}")
    labels = pod.get("metadata", {}).get("labels", {})

    def selects(selector):
        return bool(selector) and all(labels.get(k) == v for k, v in selector.items())

    admin_names = {p.get("name") for p in container.get("ports", []) if p["containerPort"] == admin_port}
    services = [o for o in objects if o["kind"] == "Service" and selects(o["spec"].get("selector"))]
    exposed = [p for s in services for p in s["spec"]["ports"] if p.get("targetPort", p["port"]) in {admin_port, *admin_names}]
    check(bool(services) and not exposed, f"{name}: a Service selects the pods and does not expose the admin port")
    check(any(o["kind"] == "PodDisruptionBudget" and selects(o["spec"]["selector"].get("matchLabels")) for o in objects),
          f"{name}: a PodDisruptionBudget covers the pods")
    check(any(o["kind"] == "HorizontalPodAutoscaler" and o["spec"]["scaleTargetRef"]["name"] == deployment["metadata"]["name"]
              for o in objects), f"{name}: a HorizontalPodAutoscaler scales the Deployment")
    validate(binary, objects, pod, container)


def main():
    binary = sys.argv[1]
    for path in sys.argv[2:]:
        with open(path, encoding="utf-8") as f:
            objects = [o for o in yaml.safe_load_all(f) if o]
        print(f"{os.path.basename(path)}: {', '.join(o['kind'] + '/' + o['metadata']['name'] for o in objects)}")
        for deployment in (o for o in objects if o["kind"] == "Deployment"):
            pod = deployment["spec"]["template"]
            spec = {**pod["spec"], "metadata": pod.get("metadata", {})}
            for container in pod["spec"]["containers"]:
                for kind, port in probe_ports(container):
                    check(declared(container, port), f"{container['name']}: {kind} port {port} is a declared container port")
                check_security(spec, container)
                if re.search(r"(^|/)tcplb(:|@|$)", container["image"]):
                    check_tcplb(binary, objects, deployment, spec, container)
    print("check-kubernetes:", "passed" if failures == 0 else f"{failures} check(s) failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
