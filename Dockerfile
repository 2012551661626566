# tcplb container images: a Native AOT build on the .NET SDK image, then a scratch
# runtime holding the binary, the glibc loader and the libraries it links against.
# No shell, no package manager; runs as an unprivileged numeric user.
#
#   docker build -t tcplb .                                          # the balancer (default target)
#   docker build --target echo-server -t tcplb-echo-server .         # the test backend
#   docker run -p 7777:7777 -v "$PWD/hosts:/etc/tcplb/hosts:ro" tcplb
#
# SDK_IMAGE: any Debian- or Ubuntu-based .NET 10 SDK image. clang and zlib1g-dev
# (the AOT toolchain) are installed when the image lacks them; the "-aot" variants
# already carry them.
ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0

FROM ${SDK_IMAGE} AS build
RUN command -v clang >/dev/null \
    || { apt-get update \
         && apt-get install -y --no-install-recommends clang zlib1g-dev \
         && rm -rf /var/lib/apt/lists/*; }
# BuildKit sets TARGETARCH; the classic builder leaves it empty (x64).
ARG TARGETARCH
WORKDIR /src
# Restore first, from the project files alone, so that source edits reuse this layer.
COPY global.json Directory.Build.props .editorconfig ./
COPY src/Tcplb/Tcplb.csproj src/Tcplb/
COPY src/EchoServer/EchoServer.csproj src/EchoServer/
RUN rid="linux-$([ "$TARGETARCH" = arm64 ] && echo arm64 || echo x64)" \
    && echo "$rid" > /rid \
    && dotnet restore src/Tcplb/Tcplb.csproj -r "$rid" \
    && dotnet restore src/EchoServer/EchoServer.csproj -r "$rid"
COPY src/ src/
RUN rid="$(cat /rid)" \
    && dotnet publish src/Tcplb/Tcplb.csproj -c Release -r "$rid" --no-restore -nologo -o /out/tcplb \
    && dotnet publish src/EchoServer/EchoServer.csproj -c Release -r "$rid" --no-restore -nologo -o /out/echo-server
# The run-time file system: whatever ldd names for the two binaries (loader, libc,
# libm), name-service and user files so that host names and uid 65532 resolve, a
# sticky /tmp, and the folder where the hosts file is mounted.
RUN mkdir -p /rootfs/etc/tcplb /rootfs/tmp \
    && chmod 1777 /rootfs/tmp \
    && for lib in $(for bin in /out/tcplb/tcplb /out/echo-server/echo-server; do ldd "$bin"; done \
                    | grep -o '/[^ ]*' | sort -u); do \
           cp --parents -L "$lib" /rootfs/; \
       done \
    && printf 'hosts: files dns\n' > /rootfs/etc/nsswitch.conf \
    && printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' > /rootfs/etc/passwd \
    && printf 'root:x:0:\nnonroot:x:65532:\n' > /rootfs/etc/group

# The HTTP/raw echo backend used by docker-compose.yml and the load tests.
FROM scratch AS echo-server
COPY --from=build /rootfs/ /
COPY --from=build /out/echo-server/echo-server /echo-server
# For health checks (`/tcplb --probe 127.0.0.1:5000`): there is no shell either.
COPY --from=build /out/tcplb/tcplb /tcplb
USER 65532:65532
EXPOSE 5000
ENTRYPOINT ["/echo-server"]
CMD ["5000", "--http"]

# The balancer; the last stage, so a plain `docker build` produces it.
FROM scratch AS tcplb
# The files first: Docker 20.10's classic builder records the platform of a scratch stage's
# first step only when it is a COPY (`docker build --platform linux/arm64`, scripts/image).
COPY --from=build /rootfs/ /
COPY --from=build /out/tcplb/tcplb /tcplb
ARG VERSION=unknown
ARG REVISION=unknown
ARG SOURCE=
LABEL org.opencontainers.image.title="tcplb" \
      org.opencontainers.image.description="A small, fast TCP (layer 4) load balancer" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.base.name="scratch"
USER 65532:65532
# tcplb reads ./hosts: mount the servers file at /etc/tcplb/hosts.
WORKDIR /etc/tcplb
# One worker process per CPU the container may use (--workers auto), each running socket
# completions inline on its one epoll thread; TCPLB_WORKERS=1 runs a single process.
EXPOSE 7777
# Exec form: there is no shell (so `docker run --health-cmd`, which needs one, cannot
# replace it). A container listening on another port restates it, e.g. in compose:
#   healthcheck: {test: ["CMD", "/tcplb", "--probe", "127.0.0.1:PORT"]}
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
    CMD ["/tcplb", "--probe", "127.0.0.1:7777"]
ENTRYPOINT ["/tcplb"]
CMD ["7777"]
