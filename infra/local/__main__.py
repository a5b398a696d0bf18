import os
import sys

from .runtime import main

code = main()
sys.stdout.flush()
sys.stderr.flush()
# Everything is stopped and the ports are closed: leave without tearing down every object of a
# large heap one by one at interpreter exit (that took minutes for a runtime holding gigabytes).
os._exit(code)
