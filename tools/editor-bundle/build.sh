#!/bin/sh
# Rebuild app/ui/static/vendor/prosemirror.bundle.js from the exact versions in package-lock.json.
# Needs node + npm and the npm registry (a developer machine); the service never runs this.
set -eu
cd "$(dirname "$0")"
npm ci --no-audit --no-fund
BANNER="/*! Candor editor bundle (global CandorPM): $(node -e 'const l=require("./package-lock.json");console.log(Object.entries(l.packages).filter(([k,v])=>k&&!v.dev).map(([k,v])=>k.replace("node_modules/","")+"@"+v.version+" ("+v.license+")").join(", "))'). Built by tools/editor-bundle/build.sh; licence texts in LICENSES.txt. */"
npx esbuild entry.js --bundle --minify --format=iife --global-name=CandorPM --target=es2019 \
  --legal-comments=eof --banner:js="$BANNER" --outfile=../../app/ui/static/vendor/prosemirror.bundle.js
cp node_modules/prosemirror-view/style/prosemirror.css ../../app/ui/static/vendor/prosemirror.css
node licences.js > ../../app/ui/static/vendor/LICENSES.txt
echo "built: $(wc -c < ../../app/ui/static/vendor/prosemirror.bundle.js) bytes"
