"""The web app: FastAPI over the same pipeline (:mod:`trustgap.assessment`) and the same stored runs.

``app.create_app`` builds the application; ``services`` holds what one application owns (database engine,
stores, background jobs, the interview contexts); ``auth`` and ``deps`` sign people in and check their role in
an organisation; ``routes/`` holds one module per area of pages and ``routes/api.py`` the JSON API; the
templates render. Route handlers parse the request, call the store or the pipeline, and render.
"""
