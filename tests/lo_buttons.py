"""Open a workbook in headless LibreOffice through UNO and print, as JSON, its Basic/VBA
modules and every form control with the macro it is bound to.

Run with the system Python that has python3-uno (Debian): ``/usr/bin/python3 lo_buttons.py
FILE SOFFICE``. A private profile and pipe are used, so parallel runs never clash.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]


def prop(name, value):
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def connect(pipe):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(240):
        try:
            return resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except Exception:
            time.sleep(0.25)
    raise SystemExit("could not connect to soffice")


def inspect(doc):
    out = {"modules": {}, "buttons": []}
    libs = doc.BasicLibraries
    for lib in libs.ElementNames:
        libs.loadLibrary(lib)
        container = libs.getByName(lib)
        for mod in container.ElementNames:
            out["modules"][f"{lib}.{mod}"] = container.getByName(mod)
    for sheet_name in doc.Sheets.ElementNames:
        forms = doc.Sheets.getByName(sheet_name).DrawPage.Forms
        for fi in range(forms.Count):
            form = forms.getByIndex(fi)
            for ci in range(form.Count):
                model = form.getByIndex(ci)
                events = [[e.ListenerType, e.EventMethod, e.ScriptType, e.ScriptCode]
                          for e in form.getScriptEvents(ci)]
                out["buttons"].append({"sheet": sheet_name, "label": getattr(model, "Label", ""),
                                       "events": events})
    return out


def main(path, soffice):
    profile = tempfile.mkdtemp(prefix="lo-uno-")
    pipe = "lianhu" + uuid.uuid4().hex
    proc = subprocess.Popen([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                             "--nologo", "--nodefault", f"--accept=pipe,name={pipe};urp;"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    desktop = None
    try:
        ctx = connect(pipe)
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        url = uno.systemPathToFileUrl(os.path.abspath(path))
        # MacroExecutionMode 0: never run a macro, only load and list them.
        doc = desktop.loadComponentFromURL(url, "_blank", 0, (prop("Hidden", True), prop("MacroExecutionMode", 0)))
        result = inspect(doc)
        doc.close(True)
        print(json.dumps(result, ensure_ascii=False))
    finally:
        try:
            if desktop is not None:
                desktop.terminate()
        except Exception:
            pass
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
