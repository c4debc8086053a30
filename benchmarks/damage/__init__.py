"""A damage generator for Chinese web text, faithful to the byte.

It reproduces the damage measured on the seed pages (``seeds/``; the
mechanism is catalogued in ``/work/shared/forensics/REPORT.md``) and the
classic wrong-codec mojibake, and says for every damaged span which clean
text it stands for.  It is the measuring instrument of
``benchmarks/mojibake_accuracy.py``.

* :mod:`.cp936`: Microsoft cp936 with the sites' decoder profiles;
* :mod:`.trace`: characters and bytes that remember their origin, and the
  damaged spans;
* :mod:`.farm`: the byte-shift cut, the byte-level pinyin annotation, hidden
  spans, and the pipelines of seeds 000/001/003/004;
* :mod:`.sites`: the farms' annotation tables (``farm_sites.txt``, generated
  by ``build_sites.py`` from the seeds);
* :mod:`.classic`: UTF-8↔GBK, GBK as code pages, Big5↔GBK;
* :mod:`.cases`: benchmark cases, each a damaged text, its clean target and
  its spans;
* :mod:`.verify`: :func:`explains`, whether a mechanism turns an edit's
  ``after`` back into its ``before``.

>>> from benchmarks.damage import damaged, misread_text
>>> damaged("有力保障了醫保基金的安全。從地方看")
'有力保障了醫?;\\ue2ae鸬陌踩?。從地方看'
>>> misread_text("数据", "utf8-as-gbk")
'鏁版嵁'
>>> explains("utf8-as-gbk", "鏁版嵁", "数据"), explains("utf8-as-gbk", "鏁版嵁", "數據")
(True, False)
"""

from .classic import MECHANISMS, misread, misread_text
from .farm import ORDER, STYLES, annotate, cut_points, damaged, inject_hidden_spans, pipeline, shift
from .trace import Char, Span, spans, text_of, traced
from .verify import explains

__all__ = ["MECHANISMS", "misread", "misread_text", "ORDER", "STYLES", "annotate", "cut_points", "damaged",
           "inject_hidden_spans", "pipeline", "shift", "Char", "Span", "spans", "text_of", "traced", "explains"]
