#!/bin/sh
# Refresh hdr_en.ts from the .ui file and the Python sources (if pylupdate5 is installed),
# then compile it to hdr_en.qm. Translate new strings in Qt Linguist between the two steps.
set -eu
cd "$(dirname "$0")"
if command -v pylupdate5 >/dev/null 2>&1; then
    pylupdate5 -noobsolete ../../hdr_gui/*.py ../../hdr_gui/inside/*.py ../../hdr_gui/widgets/*.py ../main_window.ui ../inside_view.ui -ts hdr_en.ts
    sed -i '/<location /d' hdr_en.ts      # line numbers would change with every edit
fi
LRELEASE=$(command -v lrelease || echo /usr/lib/qt5/bin/lrelease)
"$LRELEASE" hdr_en.ts -qm hdr_en.qm
