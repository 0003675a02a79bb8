# The pfsc native engine: node-addon-api, one source file per job (src/), compiled by
# `npm install` (native/install.js runs node-gyp against the local Node headers).
# SIMD code is compiled per function with target attributes and chosen at run time, so the
# addon runs on any x86-64 (and builds elsewhere with the scalar paths only).
{
  "targets": [
    {
      "target_name": "pfsc_native",
      "sources": [
        "src/module.cc",
        "src/simd.cc",
        "src/transforms.cc",
        "src/count.cc",
        "src/crc32c.cc",
        "src/deltas.cc",
        "src/fnv.cc",
        "src/match.cc",
        "src/kgram.cc",
        "src/lzma2.cc",
        "src/pages.cc",
        "src/copy.cc",
        "src/map_file.cc",
        "src/read_file.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": [
        "NAPI_VERSION=8",
        "NAPI_DISABLE_CPP_EXCEPTIONS",
        "PFSC_ADDON_VERSION=\"<!(node -p \"require('../package.json').version\")\""
      ],
      "cflags_cc": ["-std=c++17", "-O3", "-fno-exceptions", "-Wall", "-Wextra", "-Wno-unused-parameter", "-Wno-psabi"],
      "cflags_cc!": ["-fno-rtti"],
      "ldflags": ["-pthread"],
      "libraries": ["-ldl"],
      "cflags": ["-pthread"]
    }
  ]
}
