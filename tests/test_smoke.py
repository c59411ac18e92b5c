def test_home_page_lists_published_events(client, make_event):
    make_event(name="Marrakech Tech Expo")
    make_event(name="Hidden Draft", status="draft")
    page = client.get("/").get_data(as_text=True)
    assert "Marrakech Tech Expo" in page
    assert "Hidden Draft" not in page
