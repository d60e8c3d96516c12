"""Entry point of the web app (`dpia app`, or `streamlit run streamlit_app.py`)."""

from dpia.app import run_app

run_app()
