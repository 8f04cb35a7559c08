# Shared set-up for bin/osteonode and bin/test: Debian packages, then the build.
# Sourced, not run. Expects $root (the checkout) to be set.

# Debian packages each command needs. The JDK builds and runs osteonode; PixelMed and its JPEG Lossless
# decoder come from Debian; so does the PostgreSQL server the node runs as its child (apt keeps it patched), and
# dcmtk, whose dcmdjpls and dcmdjpeg decode JPEG-LS and 12-bit JPEG in a child process (util-linux's prlimit and
# unshare hold that child).
runtime_packages=(openjdk-17-jdk-headless libpixelmed-java libpixelmed-imageio-java curl ca-certificates unzip util-linux
  postgresql dcmtk)
# The real peers the tests talk to: dcmtk (storescu/echoscu/storescp, and the JPEG, JPEG-LS and RLE encoders),
# Orthanc (a PACS), dicom3tools (dciodvfy), GDCM's tools (gdcmconv, the JPEG 2000 encoder); pydicom, numpy and cjpeg
# for the real-tool corpus (src/test/corpus); PyTorch for the export's Dataset example (src/test/export); podman, runc
# and debootstrap to build and run the container image from a locally made Debian base (ContainerImageIT); yamllint
# for the plain YAML files; haproxy, the TCP load balancer in front of the cluster's nodes (ClusterIT, bench/scale).
test_packages=(dcmtk orthanc dicom3tools libgdcm-tools python3-pydicom python3-numpy libjpeg-turbo-progs python3-torch python3-torchvision python3-onnx
  podman runc debootstrap yamllint haproxy)

missing_packages() {
  local package
  for package in "$@"; do
    dpkg-query -W -f='${Status}\n' "$package" 2>/dev/null | grep -q '^install ok installed$' || printf '%s\n' "$package"
  done
}

# ensure_packages PACKAGE...: installs what is missing when root, else prints the apt command and fails.
ensure_packages() {
  local missing
  mapfile -t missing < <(missing_packages "$@")
  ((${#missing[@]} == 0)) && return 0
  if [[ $(id -u) != 0 ]]; then
    echo "osteonode: missing Debian packages: ${missing[*]}" >&2
    echo "Install them with:  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
  echo "osteonode: installing Debian packages: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >&2
  # policy-rc.d keeps Debian from starting Orthanc as a system service: the tests start their own.
  local policy=/usr/sbin/policy-rc.d created_policy=
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created_policy=1
  fi
  apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
  [[ -n $created_policy ]] && rm -f "$policy"
  return 0
}

# build_if_needed: (re)builds target/osteonode.jar when it is missing or older than the sources.
build_if_needed() {
  local jar="$root/target/osteonode.jar"
  if [[ -f $jar && -z $(find "$root/src/main" "$root/pom.xml" -newer "$jar" -print -quit) ]]; then
    return 0
  fi
  echo "osteonode: building target/osteonode.jar" >&2
  (cd "$root" && ./mvnw -q -B -DskipTests package >&2)
}
