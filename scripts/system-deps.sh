#!/usr/bin/env bash
# Debian packages the project needs besides Python: the CJK font and Pango (PDFs), Chromium and poppler
# (browser tests). Installed with apt-get when running as root; otherwise the exact command is printed.
set -u
want=()
for dep in "$@"; do
  case "$dep" in
    fonts) fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || want+=(fonts-noto-cjk) ;;
    chromium) command -v chromium >/dev/null 2>&1 || want+=(chromium) ;;
    # WeasyPrint (payment notice PDFs) needs Pango; tests turn PDFs into text/PNG with poppler.
    pango) ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 || want+=(libpango-1.0-0 libpangoft2-1.0-0)
      # HarfBuzz's subsetter: without it WeasyPrint subsets the CJK font with fontTools, ~50 s a notice.
      ldconfig -p 2>/dev/null | grep -q libharfbuzz-subset || want+=(libharfbuzz-subset0) ;;
    poppler) command -v pdftotext >/dev/null 2>&1 || want+=(poppler-utils) ;;
  esac
done
[ ${#want[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian packages: ${want[*]}"
  export DEBIAN_FRONTEND=noninteractive
  (apt-get update -qq && apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null) \
    || echo "WARNING: could not install ${want[*]}"
else
  echo "NOTE: missing Debian packages: ${want[*]}. Install them with:"
  echo "  sudo apt-get install -y ${want[*]}"
fi
exit 0
