# mmaudit in a container, for the Kubernetes recipe of docs/scale/ (and any engine that runs images).
# Debian 12 and Debian's packages only: the build stage installs what ci/setup calls build_packages
# (tests/dockerfile_test.cc keeps the two lists equal), the runtime stage only the shared libraries
# the mmaudit binary links (the test checks them against the binary's NEEDED entries).
#
#   docker build -t mmaudit .
#   docker run --rm -v "$PWD/out:/out" mmaudit audit https://shop.example/ --out-dir /out

FROM debian:12-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      build-essential cmake ninja-build pkg-config \
      libcurl4-openssl-dev libgumbo-dev rapidjson-dev libboost-program-options-dev \
      libcpp-httplib-dev liburiparser-dev zlib1g-dev libexpat1-dev libpsl-dev libssl-dev libre2-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY CMakeLists.txt ./
COPY cmake cmake
COPY auditor auditor
COPY rules rules
COPY reports/templates reports/templates
COPY reports/schema reports/schema
COPY tests/support tests/support
RUN cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DMMAUDIT_BUILD_TESTS=OFF \
 && cmake --build build --target mmaudit

FROM debian:12-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      ca-certificates libcurl4 libgumbo1 libboost-program-options1.74.0 liburiparser1 zlib1g libexpat1 libpsl5 libssl3 libre2-9 \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/build/mmaudit /usr/local/bin/mmaudit
# Not root: the audit needs no privilege. Reports go to a mounted directory (--out-dir).
USER 65532:65532
WORKDIR /work
ENTRYPOINT ["mmaudit"]
CMD ["--help"]
