"""The demonstration datasets under ``datasets/``, one module per sample (合成数据，仅供演示 / synthetic).

Pilot samples (a declarative :class:`samples.build.spec.Spec` each, built by ``samples.build.pilot``):

* ``wuxing_childrenswear``  湖州市吴兴区 × 童装 → ``datasets/wuxing-childrenswear``
* ``anping_wiremesh``       衡水市安平县 × 丝网 → ``datasets/anping-wiremesh``
* ``shangyu_umbrella``      绍兴市上虞区 × 伞业 → ``datasets/shangyu-umbrella`` and ``datasets/shangyu-umbrella-xlsx``

Hand-written samples (rows and expected issues written out):

* ``defects``                every reason code planted at least once → ``datasets/defects``
* ``defects_missing_table``  a required table missing → ``datasets/defects-missing-table``

``PILOTS`` is the order the pilots are built, written and printed in.
"""

from __future__ import annotations

from samples import anping_wiremesh, shangyu_umbrella, wuxing_childrenswear

PILOTS = [wuxing_childrenswear.SPEC, anping_wiremesh.SPEC, shangyu_umbrella.SPEC]
