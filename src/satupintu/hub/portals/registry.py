"""The portals SatuPintu starts with: the fifteen LPSE with aggregation active in LKPP's published list
(code, name, address, implementation date), and portals that have not joined yet."""

from __future__ import annotations

import datetime as dt

AGGREGATED = (
    ("kbn", "LPSE PT. Kawasan Berikat Nusantara", "http://lpse.kbn.co.id/eproc", dt.date(2011, 4, 27)),
    ("jakarta", "LPSE Provinsi DKI Jakarta", "http://lpse.jakarta.go.id/eproc", dt.date(2011, 2, 1)),
    (
        "jogjaprov",
        "LPSE Provinsi Daerah Istimewa Yogyakarta",
        "http://eproc.jogjakarta.go.id/eproc",
        dt.date(2011, 4, 27),
    ),
    ("lkpp", "LPSE LKPP", "http://lpse.lkpp.go.id/eproc", dt.date(2010, 9, 18)),
    ("jogjakota", "LPSE Kota Yogyakarta", "http://lpse.jogjakota.go.id/eproc", dt.date(2010, 10, 11)),
    ("pontianak", "LPSE Kota Pontianak", "http://lpse.pontianakkota.go.id/eproc", dt.date(2011, 5, 4)),
    (
        "kemenpera",
        "LPSE Kementerian Perumahan Rakyat",
        "http://lpse.kemenpera.go.id/eproc",
        dt.date(2011, 4, 27),
    ),
    (
        "kemdiknas",
        "LPSE Kementerian Pendidikan Nasional",
        "http://lpse.kemdiknas.go.id/eproc",
        dt.date(2010, 9, 28),
    ),
    ("depkes", "LPSE Kementerian Kesehatan", "http://lpse.depkes.go.id/eproc", dt.date(2010, 9, 22)),
    (
        "kemenperin",
        "LPSE Kementerian Perindustrian",
        "http://lpse.kemenperin.go.id/eproc",
        dt.date(2011, 4, 27),
    ),
    ("deplu", "LPSE Kementerian Luar Negeri", "http://lpse.deplu.go.id/eproc", dt.date(2010, 12, 20)),
    ("kotim", "LPSE Kabupaten Kotawaringin Timur", "http://lpse.kotimkab.go.id/eproc", dt.date(2011, 5, 4)),
    ("karimun", "LPSE Kabupaten Karimun", "http://110.137.64.251/eproc", dt.date(2011, 5, 4)),
    ("bangka", "LPSE Kabupaten Bangka", "http://lpse.bangka.go.id/eproc", dt.date(2011, 5, 4)),
    ("dpr", "LPSE DPR RI", "http://lpse.dpr.go.id/eproc", dt.date(2011, 5, 4)),
)
NOT_YET_AGGREGATED = (
    ("kotabogor", "LPSE Kota Bogor", "https://eproc.kotabogor.go.id/eproc4"),
    ("muarojambi", "LPSE Kabupaten Muaro Jambi", "https://lpse.muarojambikab.go.id/eproc4"),
)
